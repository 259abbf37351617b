package dev.agentkanban.worker;

import dev.agentkanban.platform.WakeableLoop;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A background loop of the worker: runs rounds on its own virtual thread, at once again while a round
 * reports more work, else after the poll interval or when woken. A failing round is retried after a
 * wait that doubles with each failure in a row, from the poll interval up to {@link #MAX_BACKOFF}, and
 * never shorter than what the API asked for ({@code Retry-After}): a worker whose token was revoked, or
 * that ran out of its rate limit, does not go on asking every second (each refused credential counts
 * against its address, which the API throttles beyond 30 a minute for everyone behind it), and one
 * whose API comes back after an outage asks again within 15 s. The first failure of a
 * streak is logged, then at most one line a minute until a round succeeds again.
 */
abstract class WorkerLoop implements SmartLifecycle {

    static final Duration MAX_BACKOFF = Duration.ofSeconds(15);
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final WakeableLoop loop = new WakeableLoop();
    private final String name;
    private final Duration interval;
    private int failures;
    private long lastLogged;

    WorkerLoop(String name, Duration interval) {
        this.name = name;
        this.interval = interval;
    }

    /** One round of work; true when there is more to do right away. */
    abstract boolean round() throws Exception;

    void wake() {
        loop.wake();
    }

    /** The wait after the {@code failures}-th failure in a row: the interval doubled each time, capped. */
    static Duration backoff(Duration interval, int failures, Duration asked) {
        Duration wait = interval;
        for (int i = 1; i < failures && wait.compareTo(MAX_BACKOFF) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        wait = wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
        return asked.compareTo(wait) > 0 ? asked : wait;
    }

    private void run() {
        while (loop.running()) {
            boolean more = false;
            Duration wait = interval;
            try {
                more = round();
                if (failures > 0) {
                    log.info("{}: working again after {} failed rounds", name, failures);
                    failures = 0;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!loop.running()) {
                    return; // stopping: the interrupt broke the round off, which is retried on the next start
                }
                failures++;
                wait = backoff(
                        interval, failures, e instanceof ApiClient.Unavailable u ? u.retryAfter() : Duration.ZERO);
                String what = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
                long now = System.nanoTime();
                if (failures == 1 || now - lastLogged >= LOG_EVERY.toNanos()) {
                    lastLogged = now;
                    if (e instanceof ApiClient.Unavailable) {
                        log.warn("{}: {} ({} failed rounds in a row; next try in {})", name, what, failures, wait);
                    } else {
                        log.warn("{}: {} ({} failed rounds in a row; next try in {})", name, what, failures, wait, e);
                    }
                } else {
                    log.debug("{}: {}", name, what);
                }
            }
            if (!more) {
                try {
                    loop.await(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void start() {
        loop.start("worker-" + name, this::run);
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }
}
