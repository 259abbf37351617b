package dev.agentkanban.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalBucketStoreTest {

    private final Rate threePerHour = new Rate(3, Duration.ofHours(1));

    @Test
    void aBucketGrantsItsCapacityThenRefusesWithAWait() {
        LocalBucketStore store = new LocalBucketStore(100);
        for (int left = 2; left >= 0; left--) {
            BucketStore.Consumption c = store.tryConsume("a", threePerHour).orElseThrow();
            assertThat(c.allowed()).isTrue();
            assertThat(c.remaining()).isEqualTo(left);
        }
        BucketStore.Consumption refused = store.tryConsume("a", threePerHour).orElseThrow();
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.nanosToWait()).isPositive();
        assertThat(store.tryConsume("b", threePerHour).orElseThrow().allowed()).isTrue();
    }

    @Test
    void theSweepForgetsOnlyBucketsThatAreFullAgain() {
        LocalBucketStore store = new LocalBucketStore(100);
        store.tryConsume("spent", threePerHour);
        Rate fast = new Rate(1_000_000, Duration.ofSeconds(1));
        store.tryConsume("refilled", fast);
        // a million per second refills within microseconds
        await("the refilled bucket is swept")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    store.sweep();
                    return store.size() < 2;
                });
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.tryConsume("spent", threePerHour).orElseThrow().remaining())
                .isEqualTo(1);
    }

    @Test
    void theMapStaysBoundedDroppingTheLeastRecentlyUsed() {
        LocalBucketStore store = new LocalBucketStore(10);
        for (int i = 0; i < 50; i++) {
            store.tryConsume("client-" + i, threePerHour);
        }
        assertThat(store.size()).isLessThanOrEqualTo(10);
        assertThat(store.tryConsume("client-49", threePerHour).orElseThrow().remaining())
                .isEqualTo(1);
    }
}
