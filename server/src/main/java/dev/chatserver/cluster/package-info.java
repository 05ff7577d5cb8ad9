/**
 * Several nodes sharing rooms (issue #11, docs/scale.md): {@link dev.chatserver.cluster.ClusterBus} (events between
 * nodes, readiness, live session snapshots), its Redis implementation {@link dev.chatserver.cluster.RedisCluster}
 * (Redisson, one pub/sub channel) and {@link dev.chatserver.cluster.RedisRateLimiter} (shared sliding-window counters).
 * What the events do on a receiving node is in {@link dev.chatserver.realtime.ClusterRelay}.
 */
package dev.chatserver.cluster;
