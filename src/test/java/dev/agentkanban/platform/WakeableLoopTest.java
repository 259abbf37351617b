package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A woken loop that gathers lets the gather pass before its round, and the wake-ups that arrived until
 * then are folded into that round: the next wait is a full one (issue #19: the outbox's followers
 * handle the writes committed while they gather in one transaction).
 */
class WakeableLoopTest {

    @Test
    void aWokenLoopGathersAndFoldsTheWakeUpsOfItsGatherIntoOneRound() throws InterruptedException {
        WakeableLoop loop = new WakeableLoop();
        loop.wake();
        loop.wake();
        long start = System.nanoTime();
        loop.await(Duration.ofSeconds(30), Duration.ofMillis(100));
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("woken at once, then gathered")
                .isGreaterThanOrEqualTo(Duration.ofMillis(100));

        start = System.nanoTime();
        loop.await(Duration.ofMillis(200), Duration.ofMillis(100));
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("the second wake-up went with the first round: this wait is not woken")
                .isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void withoutAGatherAWokenLoopGoesOnAtOnceAndStillFoldsWakeUps() throws InterruptedException {
        WakeableLoop loop = new WakeableLoop();
        loop.wake();
        loop.wake();
        loop.await(Duration.ofSeconds(30), Duration.ZERO);
        long start = System.nanoTime();
        loop.await(Duration.ofMillis(200), Duration.ZERO);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }
}
