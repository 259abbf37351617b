package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class WakeableLoopTest {

    private static final Logger log = LoggerFactory.getLogger(WakeableLoopTest.class);

    @Test
    void stoppingLetsTheRoundInProgressFinishInsteadOfInterruptingIt() throws Exception {
        WakeableLoop loop = new WakeableLoop();
        CountDownLatch inRound = new CountDownLatch(1);
        AtomicBoolean cut = new AtomicBoolean();
        AtomicInteger finished = new AtomicInteger();
        loop.start(
                "test-loop",
                () -> loop.repeat(
                        () -> {
                            inRound.countDown();
                            try {
                                Thread.sleep(300); // a statement in flight
                            } catch (InterruptedException e) {
                                cut.set(true);
                                throw new IllegalStateException("closed by interrupt");
                            }
                            finished.incrementAndGet();
                            loop.await(Duration.ofMinutes(1));
                        },
                        Duration.ofMinutes(1),
                        log,
                        "test round failed"));
        assertThat(inRound.await(10, TimeUnit.SECONDS)).isTrue();

        loop.stop();

        assertThat(cut).as("the round in progress was interrupted").isFalse();
        assertThat(finished).hasValue(1);
        assertThat(loop.running()).isFalse();
    }

    @Test
    void aLoopWaitingForWorkStopsAtOnceAndOneThatDoesNotListenIsInterrupted() throws Exception {
        WakeableLoop waiting = new WakeableLoop();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        waiting.start("waiting-loop", () -> {
            waiting.repeat(
                    () -> {
                        started.countDown();
                        waiting.await(Duration.ofMinutes(1));
                    },
                    Duration.ofMinutes(1),
                    log,
                    "test round failed");
            ended.countDown();
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        waiting.stop();
        assertThat(ended.getCount()).isZero();

        WakeableLoop deaf = new WakeableLoop();
        CountDownLatch deafStarted = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        deaf.start(
                "deaf-loop",
                () -> deaf.repeat(
                        () -> {
                            deafStarted.countDown();
                            try {
                                Thread.sleep(Duration.ofMinutes(1)); // neither woken nor finishing by itself
                            } catch (InterruptedException e) {
                                interrupted.set(true);
                                throw e;
                            }
                        },
                        Duration.ofMinutes(1),
                        log,
                        "test round failed"));
        assertThat(deafStarted.await(10, TimeUnit.SECONDS)).isTrue();
        deaf.stop();
        assertThat(interrupted).isTrue();
    }
}
