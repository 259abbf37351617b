package dev.agentkanban.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionSynchronizationUtils;

/**
 * A change of access made on this instance empties its own caches when it commits, not when its
 * notification comes back through the listener (which under load can be after the caller's next
 * request), and never when the change rolls back.
 */
class AccessWatchTest {

    private final AccessWatch watch = new AccessWatch();

    @AfterEach
    void clear() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.clearSynchronization();
        }
    }

    @Test
    void aLocalChangeMovesTheGenerationOnAtCommit() {
        long before = watch.generation();
        TransactionSynchronizationManager.initSynchronization();
        watch.changedHere();
        assertThat(watch.generation()).as("not before commit").isEqualTo(before);
        TransactionSynchronizationUtils.invokeAfterCommit(TransactionSynchronizationManager.getSynchronizations());
        assertThat(watch.generation()).isGreaterThan(before);
    }

    @Test
    void aRolledBackChangeLeavesTheGenerationAlone() {
        long before = watch.generation();
        TransactionSynchronizationManager.initSynchronization();
        watch.changedHere();
        TransactionSynchronizationUtils.invokeAfterCompletion(
                TransactionSynchronizationManager.getSynchronizations(), TransactionSynchronization.STATUS_ROLLED_BACK);
        assertThat(watch.generation()).isEqualTo(before);
    }

    @Test
    void aChangeOutsideATransactionMovesItOnAtOnce() {
        long before = watch.generation();
        watch.changedHere();
        assertThat(watch.generation()).isGreaterThan(before);
    }
}
