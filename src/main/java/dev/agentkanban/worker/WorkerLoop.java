package dev.agentkanban.worker;

import dev.agentkanban.platform.WakeableLoop;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A background loop of the worker: runs rounds on its own virtual thread, at once again while a round
 * reports more work, else after the poll interval or when woken. A failing round is logged (once per
 * streak of failures, so an API outage does not flood the log) and retried after the interval.
 */
abstract class WorkerLoop implements SmartLifecycle {

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final WakeableLoop loop = new WakeableLoop();
    private final String name;
    private final Duration interval;
    private String failing;

    WorkerLoop(String name, Duration interval) {
        this.name = name;
        this.interval = interval;
    }

    /** One round of work; true when there is more to do right away. */
    abstract boolean round() throws Exception;

    void wake() {
        loop.wake();
    }

    private void run() {
        while (loop.running()) {
            boolean more = false;
            try {
                more = round();
                if (failing != null) {
                    log.info("{}: working again", name);
                    failing = null;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!loop.running()) {
                    return; // stopping: the interrupt broke the round off, which is retried on the next start
                }
                String what = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
                if (what.equals(failing)) {
                    log.debug("{}: {}", name, what);
                } else if (e instanceof ApiClient.Unavailable) {
                    log.warn("{}: {} (retrying every {})", name, what, interval);
                } else {
                    log.warn("{}: {} (retrying every {})", name, what, interval, e);
                }
                failing = what;
            }
            if (!more) {
                try {
                    loop.await(interval);
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
