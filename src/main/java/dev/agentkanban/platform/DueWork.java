package dev.agentkanban.platform;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Work a background loop does in a round only when it is needed: when the round made some (runs
 * recorded, deliveries created), when something asked for it from outside ({@link #ask()}), and at least
 * once per interval (retries, work another instance left). Not on every round of events that made
 * nothing (issue #19: the rule engine's and webhook worker's look for pending work on each dispatcher
 * round). {@link #runIf} is called from the loop's own thread only.
 */
public final class DueWork {

    private final AtomicBoolean asked = new AtomicBoolean(true);
    private final long intervalNanos;
    private long last;

    public DueWork(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** The next round does the work, whatever it made. */
    public void ask() {
        asked.set(true);
    }

    /** Runs {@code work} when {@code made} is true, when asked, or when the interval has passed since it last ran. */
    public void runIf(boolean made, Runnable work) {
        long now = System.nanoTime();
        if (made || asked.getAndSet(false) || now - last >= intervalNanos) {
            last = now;
            work.run();
        }
    }
}
