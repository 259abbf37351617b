package dev.agentkanban.identity;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Whether this instance hears every access change right now, and a generation that moves on each one.
 * The identity caches ({@link Credentials}, {@link CallerAccess}) answer from memory only while the
 * listener ({@code LISTEN kanban_access} in events.OutboxNotifications) confirmed within the last
 * {@link #TRUST} that its connection is alive and up to date; otherwise they ask the database, as they
 * did before there were caches. So a revocation, a role change or a removal committed on any instance
 * reaches every instance's cache with its notification (milliseconds), and a listener that went silent
 * (a dead connection, a reconnect) stops the caches within {@link #TRUST}.
 */
@Component
public class AccessWatch {

    /** How long a confirmation of the listener keeps the caches in use. */
    static final Duration TRUST = Duration.ofMillis(1000);

    private final AtomicLong generation = new AtomicLong();
    private volatile long confirmedNanos;
    private volatile boolean confirmedOnce;

    /** The listener's connection answered just now, and every notification before that was handled. */
    public void confirmed() {
        confirmedNanos = System.nanoTime();
        confirmedOnce = true;
    }

    /** The listener lost its connection: notifications may be missed until it confirms again. */
    public void lost() {
        confirmedOnce = false;
        generation.incrementAndGet();
    }

    /** Whether cached identities may be used now. */
    boolean trusted() {
        return confirmedOnce && System.nanoTime() - confirmedNanos < TRUST.toNanos();
    }

    /** Moves on at every access change and every loss of the listener (caches compare it before storing). */
    long generation() {
        return generation.get();
    }

    @EventListener
    void accessChanged(AccessChanged change) {
        generation.incrementAndGet();
    }

    /**
     * This instance is taking access away in the current transaction: its own caches move on when that
     * transaction commits, before the request that did it answers, so the caller's next request never
     * meets the old answer here even while the notification is still on its way to the listener.
     */
    void changedHere() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    generation.incrementAndGet();
                }
            });
        } else {
            generation.incrementAndGet();
        }
    }
}
