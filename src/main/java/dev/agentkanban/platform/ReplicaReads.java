package dev.agentkanban.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Heavy reads (analytics, exports, the change feed's history) on the read replica
 * ({@code READ_DATABASE_URL}) when it is safe, on the primary otherwise; without a replica every
 * method simply runs the read on the primary.
 *
 * <p>Read-your-writes: after a caller's write transaction commits, the primary's WAL position is
 * recorded as the caller's read position ({@link #written}, called by {@link Transactions#write}). A
 * caller's heavy read goes to the replica only when the replica has replayed the WAL past that
 * position (it then shows every one of the caller's commits); until then it goes to the primary. The
 * positions live in the primary's {@code read_positions} table, not in an instance's memory, so they
 * hold when the caller's next request lands on another instance. Other callers' recent writes may be
 * missing from a replica read, by the replica's lag: that is the price of reading off the primary.
 */
@Component
public class ReplicaReads {

    private static final Logger log = LoggerFactory.getLogger(ReplicaReads.class);
    /** After the replica failed to answer, heavy reads go to the primary for this long before it is asked again. */
    private static final long REPLICA_RETRY_NANOS = 5_000_000_000L;

    private final ReadRoutingDataSource routing;
    private final Transactions tx;
    private final Counter onReplica;
    private final Counter onPrimary;
    private final Counter unrecorded;
    private volatile long replicaDownUntil = System.nanoTime();

    ReplicaReads(DataSource dataSource, Transactions tx, ObjectProvider<MeterRegistry> registry) {
        this.routing = dataSource instanceof ReadRoutingDataSource r ? r : null;
        this.tx = tx;
        MeterRegistry meters = registry.getIfAvailable(() -> Metrics.globalRegistry);
        this.onReplica = served(meters, "replica");
        this.onPrimary = served(meters, "primary");
        this.unrecorded = Counter.builder("kanban.read.positions.failed")
                .description("read positions that could not be recorded after a write")
                .register(meters);
        tx.replicaReads(this);
    }

    private static Counter served(MeterRegistry meters, String by) {
        return Counter.builder("kanban.replica.reads")
                .description("heavy reads by the database that served them")
                .tag("served_by", by)
                .register(meters);
    }

    /** Whether a replica is configured. */
    public boolean enabled() {
        return routing != null;
    }

    /** A read transaction ({@link Transactions#read}) on the replica if it has the caller's writes. */
    public <T> T read(Supplier<T> work) {
        return route(() -> tx.read(work));
    }

    /**
     * {@code work}, which opens its own read-only transactions, with them on the replica if it has the
     * caller's writes (an export's snapshot transaction, say). Nothing in it may write.
     */
    public <T> T route(Supplier<T> work) {
        if (routing == null || TransactionSynchronizationManager.isActualTransactionActive()) {
            return work.get(); // a transaction already begun stays where it is
        }
        RequestScope scope = RequestScope.currentOrNull();
        long position;
        try {
            position = scope == null ? 0 : routing.readPosition(scope.workspaceId(), scope.actor());
        } catch (SQLException e) {
            return primary(work);
        }
        return at(position, work);
    }

    /**
     * A read transaction on the replica only if it has replayed everything committed on the primary up
     * to now: for a read that promises to have seen every commit so far (the change feed up to its
     * horizon, which the caller takes from the primary before calling this).
     */
    public <T> T readCaughtUp(Supplier<T> work) {
        if (routing == null || TransactionSynchronizationManager.isActualTransactionActive()) {
            return tx.read(work);
        }
        long position;
        try {
            position = routing.primaryPosition();
        } catch (SQLException e) {
            return primary(() -> tx.read(work));
        }
        return at(position, () -> tx.read(work));
    }

    private <T> T at(long position, Supplier<T> work) {
        if (System.nanoTime() - replicaDownUntil < 0) {
            return primary(work);
        }
        boolean replayed;
        try {
            replayed = routing.replicaHasReplayed(position);
        } catch (SQLException e) {
            log.warn("the read replica does not answer, heavy reads go to the primary for 5 s: {}", e.toString());
            replicaDownUntil = System.nanoTime() + REPLICA_RETRY_NANOS;
            replayed = false;
        }
        if (!replayed) {
            return primary(work);
        }
        onReplica.increment();
        return routing.onReplica(work);
    }

    private <T> T primary(Supplier<T> work) {
        onPrimary.increment();
        return work.get();
    }

    /**
     * Called inside a write transaction: once it commits, the caller's read position moves to the
     * primary's WAL position. One recording per transaction, however many writes it holds; nothing
     * without a replica or outside a caller's request.
     */
    void written() {
        if (routing == null || !TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        RequestScope scope = RequestScope.currentOrNull();
        if (scope == null
                || TransactionSynchronizationManager.getSynchronizations().stream()
                        .anyMatch(s -> s instanceof RecordPosition)) {
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(
                new RecordPosition(scope.workspaceId(), scope.actor()));
    }

    private final class RecordPosition implements TransactionSynchronization {
        private final long workspaceId;
        private final String actor;

        RecordPosition(long workspaceId, String actor) {
            this.workspaceId = workspaceId;
            this.actor = actor;
        }

        @Override
        public void afterCommit() {
            try {
                routing.recordWrite(workspaceId, actor);
            } catch (SQLException e) {
                // the write stands; the caller's heavy reads may miss it on the replica until it catches up
                unrecorded.increment();
                log.warn("could not record the read position of {} after a write: {}", actor, e.toString());
            }
        }
    }
}
