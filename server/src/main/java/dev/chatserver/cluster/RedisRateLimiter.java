package dev.chatserver.cluster;

import dev.chatserver.security.RateLimiter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RateLimiter} shared by every node (issue #11): the same sliding-window log as
 * {@link dev.chatserver.security.MemoryRateLimiter}, kept in Redis as a sorted set per key ({@code chat:rl:<key>},
 * scores = event times from Redis's own clock, so the nodes' clocks do not matter), checked and counted atomically
 * by one Lua script. While the cluster is not ready (Redis unreachable) the node falls back to its in-memory
 * counters: limits then hold per node, not across nodes.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
    /** KEYS[1] key; ARGV window ms, limit, member, count (1) or only check (0). Returns 0 or ms to wait. */
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local window = tonumber(ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
              local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
              return math.max(1, tonumber(first[2]) + window - now)
            end
            if ARGV[4] == '1' then
              redis.call('ZADD', KEYS[1], now, ARGV[3])
              redis.call('PEXPIRE', KEYS[1], window)
            end
            return 0
            """;
    static final String PREFIX = "chat:rl:";

    private final RedisCluster cluster;
    private final RateLimiter fallback;

    /**
     * @param cluster  the bus whose Redis connection is used, and whose readiness decides
     * @param fallback node-local counters used while Redis is unreachable
     */
    public RedisRateLimiter(RedisCluster cluster, RateLimiter fallback) {
        this.cluster = cluster;
        this.fallback = fallback;
    }

    @Override
    public long tryAcquire(String key, int limit, long windowMs) {
        Long r = run(key, limit, windowMs, true);
        return r != null ? r : fallback.tryAcquire(key, limit, windowMs);
    }

    @Override
    public long retryAfter(String key, int limit, long windowMs) {
        Long r = run(key, limit, windowMs, false);
        return r != null ? r : fallback.retryAfter(key, limit, windowMs);
    }

    @Override
    public void reset(String key) {
        fallback.reset(key);
        RedissonClient r = cluster.client();
        if (r != null && cluster.notReadyReason() == null) {
            r.getBucket(PREFIX + key).deleteAsync();
        }
    }

    /** @return the script's answer, or null when Redis cannot answer now (then the fallback decides) */
    private Long run(String key, int limit, long windowMs, boolean count) {
        RedissonClient r = cluster.client();
        if (r == null || cluster.notReadyReason() != null) {
            return null;
        }
        try {
            Object v = r.getScript(StringCodec.INSTANCE).evalAsync(RScript.Mode.READ_WRITE, SCRIPT, RScript.ReturnType.INTEGER,
                    List.of(PREFIX + key), String.valueOf(windowMs), String.valueOf(limit), UUID.randomUUID().toString(),
                    count ? "1" : "0").get(RedisCluster.CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return ((Number) v).longValue();
        } catch (Exception e) {
            log.debug("shared rate limit unavailable, counting locally: {}", e.toString());
            return null;
        }
    }
}
