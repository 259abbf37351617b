package dev.agentkanban.platform;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * A background loop on a named virtual thread that sleeps until it is woken or a timeout passes, and
 * stops on request (the owner's SmartLifecycle start/stop delegate here). Wake-ups that arrive while
 * the loop is busy are folded into one.
 */
public final class WakeableLoop {

    private final Semaphore signal = new Semaphore(0);
    private volatile boolean running;
    private volatile Thread thread;

    public void start(String name, Runnable body) {
        running = true;
        thread = Thread.ofVirtual().name(name).start(body);
    }

    /**
     * Stops the loop: wakes it, lets the round in progress finish for up to a second, and only then
     * interrupts it (an interrupt closes a database connection in the middle of its statement, which the
     * pool then logs as broken), waiting up to 5 s more for the thread to end.
     */
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            signal.release();
            try {
                if (!t.join(Duration.ofSeconds(1))) {
                    t.interrupt();
                    t.join(5000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean running() {
        return running;
    }

    /** Makes the next (or current) wait return at once. */
    public void wake() {
        if (signal.availablePermits() == 0) {
            signal.release();
        }
    }

    /** One round of a loop's work; may wait with {@link #await}. */
    @FunctionalInterface
    public interface Round {
        void run() throws InterruptedException;
    }

    /**
     * Runs {@code round} again and again on the calling thread (the loop's own, from {@link #start})
     * until the loop is stopped. A round that fails is logged with {@code failure} and retried after
     * {@code retryPause}, so a database outage slows the loop down instead of ending it.
     */
    public void repeat(Round round, Duration retryPause, Logger log, String failure) {
        while (running) {
            try {
                round.run();
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return; // cut short by the stop: not a failure to report
                }
                log.warn("{}, retrying: {}", failure, e.toString());
                try {
                    Thread.sleep(retryPause.toMillis());
                } catch (InterruptedException interrupted) {
                    if (!running) {
                        return;
                    }
                }
            }
        }
    }

    /** Sleeps until woken or {@code timeout} passes; interrupted when the loop is being stopped. */
    public void await(Duration timeout) throws InterruptedException {
        signal.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
        signal.drainPermits();
    }
}
