package dev.agentkanban.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A failing round waits longer each time it fails again, up to 15 s, and at least as long as the
 * API asked: a worker whose token was revoked or whose rate limit ran out stops asking every second.
 */
class WorkerBackoffTest {

    static final Duration SECOND = Duration.ofSeconds(1);

    @Test
    void theWaitDoublesWithEachFailureInARowUpToFifteenSeconds() {
        assertThat(WorkerLoop.backoff(SECOND, 1, Duration.ZERO)).isEqualTo(SECOND);
        assertThat(WorkerLoop.backoff(SECOND, 2, Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
        assertThat(WorkerLoop.backoff(SECOND, 4, Duration.ZERO)).isEqualTo(Duration.ofSeconds(8));
        assertThat(WorkerLoop.backoff(SECOND, 5, Duration.ZERO)).isEqualTo(Duration.ofSeconds(15));
        assertThat(WorkerLoop.backoff(SECOND, 10_000, Duration.ZERO)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void whatTheApiAskedForIsTheLeastWait() {
        assertThat(WorkerLoop.backoff(SECOND, 1, Duration.ofSeconds(17))).isEqualTo(Duration.ofSeconds(17));
        assertThat(WorkerLoop.backoff(SECOND, 7, Duration.ofSeconds(17))).isEqualTo(Duration.ofSeconds(17));
    }

    @Test
    void retryAfterIsReadAsSecondsAndAnythingElseAsNothing() {
        assertThat(ApiClient.retryAfter("17")).isEqualTo(Duration.ofSeconds(17));
        assertThat(ApiClient.retryAfter(" 3 ")).isEqualTo(Duration.ofSeconds(3));
        assertThat(ApiClient.retryAfter("999999")).isEqualTo(Duration.ofHours(1));
        assertThat(ApiClient.retryAfter(null)).isEqualTo(Duration.ZERO);
        assertThat(ApiClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(ApiClient.retryAfter("-5")).isEqualTo(Duration.ZERO);
    }
}
