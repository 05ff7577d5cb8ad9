package dev.chatserver.config;

/**
 * Several nodes sharing rooms (issue #11, docs/scale.md). Off by default: one process, no Redis.
 *
 * @param redisUrl {@code redis://host:port} (or {@code rediss://}, optionally with {@code user:password@}) of the Redis
 *                 that carries pub/sub, shared rate-limit counters and the live session list (env
 *                 {@code CHAT_REDIS_URL}); empty: this node is alone
 * @param nodeId   this node's name in Redis and in the admin live view (env {@code CHAT_NODE_ID}); unique per
 *                 process; the loader fills an empty one with {@code <hostname>-<6 random hex digits>}
 */
public record ClusterSettings(String redisUrl, String nodeId) {
    /** One node, no Redis. */
    public static final ClusterSettings OFF = new ClusterSettings("", "local");

    /** Whether Redis is configured. */
    public boolean enabled() {
        return !redisUrl.isEmpty();
    }

    /** A node name: the host name and 6 random hex digits (two processes on one host differ). */
    public static String generatedNodeId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "node";
        }
        return host.replaceAll("[^A-Za-z0-9._-]", "") + "-"
                + String.format("%06x", new java.security.SecureRandom().nextInt(1 << 24));
    }
}
