package dev.agentkanban.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two app instances sharing Redis draw on one budget per client; with Redis unreachable an instance
 * still serves every request (fail open). Needs Redis ({@code TEST_REDIS_URL}, default
 * redis://127.0.0.1:6379, where CI machines run it): fails without it when {@code CI=true}, skipped
 * without it elsewhere. Each run uses keys of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedRateLimitTest {

    private static final String REDIS_URL = System.getenv().getOrDefault("TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private final String prefix = "agent-kanban-test:" + UUID.randomUUID() + ":";
    private AppInstance a;
    private AppInstance b;

    @BeforeAll
    void startTwoInstances() {
        if (!redisReachable() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("Redis is required on CI (CI=true) and is not running at " + REDIS_URL);
        }
        assumeTrue(redisReachable(), "Redis is not running at " + REDIS_URL);
        String[] settings = {
            "kanban.rate-limit.enabled=true",
            "kanban.rate-limit.default=5/h",
            "kanban.redis-url=" + REDIS_URL,
            "kanban.rate-limit.key-prefix=" + prefix
        };
        a = AppInstance.start(settings);
        b = AppInstance.start(settings);
    }

    @AfterAll
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (redisReachable()) {
            withRedis(redis -> {
                List<String> keys = redis.keys(prefix + "*");
                if (!keys.isEmpty()) {
                    redis.del(keys.toArray(String[]::new));
                }
                return null;
            });
        }
    }

    @Test
    void requestsSplitAcrossInstancesShareOneBudget() {
        String token = a.memberToken("shared-" + UUID.randomUUID().toString().substring(0, 8));
        Http onA = a.http.withToken(token);
        Http onB = b.http.withToken(token);
        List<Http> alternating = List.of(onA, onB, onA, onB, onA);
        for (int i = 0; i < 5; i++) {
            Response r = alternating.get(i).get("/api/v1/boards");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.header("X-RateLimit-Remaining")).contains(Integer.toString(4 - i));
        }
        Response refusedOnB = onB.get("/api/v1/boards");
        assertThat(refusedOnB.status()).isEqualTo(429);
        assertThat(refusedOnB.header("Retry-After")).isPresent();
        assertThat(onA.get("/api/v1/boards").status()).isEqualTo(429);
    }

    @Test
    void sharedBucketsArePrefixedAndExpire() {
        Http client = a.member("expiring-" + UUID.randomUUID().toString().substring(0, 8));
        assertThat(client.get("/api/v1/boards").status()).isEqualTo(200);
        withRedis(redis -> {
            List<String> keys = redis.keys(prefix + "*");
            assertThat(keys).isNotEmpty();
            for (String key : keys) {
                // a bucket of 5 per hour refills completely within the hour; its key expires soon after
                assertThat(redis.pttl(key)).as(key).isBetween(1L, 3_700_000L);
            }
            return null;
        });
    }

    @Test
    void anInstanceWhoseRedisIsDownServesUnlimited() {
        try (AppInstance lonely = AppInstance.start(
                "kanban.rate-limit.enabled=true",
                "kanban.rate-limit.default=2/h",
                "kanban.redis-url=redis://127.0.0.1:1",
                "kanban.rate-limit.key-prefix=" + prefix)) {
            Http client =
                    lonely.member("unlimited-" + UUID.randomUUID().toString().substring(0, 8));
            for (int i = 0; i < 5; i++) {
                Response r = client.get("/api/v1/boards");
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.header("X-RateLimit-Limit")).isEmpty();
            }
        }
    }

    private static boolean redisReachable() {
        URI uri = URI.create(REDIS_URL);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static <T> T withRedis(java.util.function.Function<RedisCommands<String, String>, T> work) {
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return work.apply(c.sync());
        } finally {
            client.shutdown();
        }
    }
}
