package dev.agentkanban.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The sweep of the local rate-limit buckets through its schedule (every 0.2 s here instead of every
 * minute), not called by the test: a bucket that is full again is forgotten. Only the sweep removes
 * buckets below the store's size bound, so an emptied store shows that it ran.
 */
class BucketSweepScheduleTest {

    @Test
    void theScheduledSweepForgetsBucketsThatAreFullAgain() {
        try (AppInstance app = AppInstance.start(
                "kanban.rate-limit.enabled=true",
                "kanban.rate-limit.default=1000000/s",
                "kanban.rate-limit.sweep-interval=PT0.2S")) {
            LocalBucketStore store = app.context.getBean(LocalBucketStore.class);
            for (String user : new String[] {"sweep-a", "sweep-b", "sweep-c"}) {
                Http client = app.member(user + "-" + System.nanoTime());
                Response r = client.get("/api/v1/boards");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("X-RateLimit-Limit"))
                        .as("the request drew on a bucket")
                        .hasValue("1000000");
            }
            // a million per second refills at once: the next sweep forgets all three
            await("the scheduled sweep")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> store.size() == 0);
        }
    }
}
