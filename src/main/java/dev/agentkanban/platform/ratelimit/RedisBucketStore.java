package dev.agentkanban.platform.ratelimit;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets in Redis ({@code REDIS_URL}), so that every instance draws on the same budget. Bucket4j
 * updates a bucket with a compare-and-swap script; each key carries an expiry (the time to refill
 * completely, plus a margin), so idle clients leave nothing behind.
 *
 * <p>Redis is an optimisation of fairness, not a dependency of the API: when it is down or slow,
 * requests are <em>not</em> limited (fail open) and a warning is logged at most once a minute. The
 * connection is made lazily and retried every few seconds, so the app also starts without Redis.
 */
final class RedisBucketStore implements BucketStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisBucketStore.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final long RECONNECT_INTERVAL_NANOS = Duration.ofSeconds(5).toNanos();
    private static final long WARN_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

    private final RedisClient client;
    private final String where;
    private final String prefix;
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private volatile ProxyManager<String> proxies;
    private volatile long nextConnectAttempt = System.nanoTime();
    private volatile long nextWarning = System.nanoTime();

    RedisBucketStore(String redisUrl, String prefix) {
        RedisURI uri = RedisURI.create(redisUrl);
        uri.setTimeout(TIMEOUT);
        this.where = uri.getHost() + ":" + uri.getPort(); // never log the URL itself: it may hold a password
        this.prefix = prefix;
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // while disconnected, fail at once instead of queueing: the request goes on unlimited
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                .build());
        connect();
    }

    @Override
    public Optional<Consumption> tryConsume(String key, Rate rate) {
        ProxyManager<String> p = proxies != null ? proxies : connect();
        if (p == null) {
            return Optional.empty();
        }
        try {
            ConsumptionProbe probe = p.getProxy(prefix + rate.key() + ":" + key, rate::configuration)
                    .tryConsumeAndReturnRemaining(1);
            return Optional.of(
                    new Consumption(probe.isConsumed(), probe.getRemainingTokens(), probe.getNanosToWaitForRefill()));
        } catch (RuntimeException e) {
            warn(e);
            return Optional.empty();
        }
    }

    /** Connects unless connected, at most once per interval and by one thread at a time; null while unavailable. */
    private ProxyManager<String> connect() {
        if (System.nanoTime() - nextConnectAttempt < 0 || !connecting.tryLock()) {
            return proxies;
        }
        try {
            if (proxies == null) {
                nextConnectAttempt = System.nanoTime() + RECONNECT_INTERVAL_NANOS;
                connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                proxies = Bucket4jLettuce.casBasedBuilder(connection)
                        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                                Duration.ofSeconds(10)))
                        .requestTimeout(TIMEOUT)
                        .build();
                log.info("rate limits are shared through Redis at {}", where);
            }
        } catch (RuntimeException e) {
            warn(e);
        } finally {
            connecting.unlock();
        }
        return proxies;
    }

    private void warn(RuntimeException e) {
        long now = System.nanoTime();
        if (now - nextWarning >= 0) {
            nextWarning = now + WARN_INTERVAL_NANOS;
            log.warn(
                    "rate limits are not enforced: Redis at {} is unavailable ({}); requests pass unlimited until it is back",
                    where,
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
