package dev.agentkanban.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs feature work in one database transaction bound to the request's actor and workspace
 * ({@code kanban.actor}, {@code kanban.workspace_id}), which the audit triggers read; the settings
 * travel with the transaction's first statement ({@link BoundDataSource}). A write that
 * loses a deadlock or serialization race is retried from the start, a bounded number of times.
 * When the request already runs in a transaction (an {@code Idempotency-Key} request, see
 * IdempotencyFilter) the work joins it, so that the effect commits together with the stored response.
 */
@Component
public class Transactions {

    private static final int ATTEMPTS = 4;

    private final TransactionTemplate writes;
    private final TransactionTemplate snapshots;
    private final BoundDataSource pool;
    private volatile ReplicaReads replicaReads;

    Transactions(PlatformTransactionManager manager, DatabaseAccessConfig.BoundPool pool) {
        this.writes = new TransactionTemplate(manager);
        // inside a request's own transaction (IdempotencyFilter) a write is a savepoint: a refused or
        // retried write rolls back its own part only; alone it is a transaction of its own
        this.writes.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.snapshots = new TransactionTemplate(manager);
        this.snapshots.setReadOnly(true);
        this.pool = pool.dataSource();
    }

    /**
     * Runs reads whose statements must agree with each other (figures computed against {@code now()}
     * in several statements) in one read-only transaction: one {@code now()}, one commit horizon per
     * statement as before. Inside a transaction they join it.
     */
    public <T> T readTogether(Supplier<T> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            bindTransaction();
            return work.get();
        }
        return snapshots.execute(status -> {
            bindTransaction();
            return work.get();
        });
    }

    public <T> T write(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return writes.execute(status -> {
                    bindTransaction();
                    ReplicaReads replica = replicaReads;
                    if (replica != null) {
                        replica.written(); // the caller's read position moves on at commit
                    }
                    return work.get();
                });
            } catch (PessimisticLockingFailureException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    public void write(Runnable work) {
        write(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs the work like {@link #write} and then rolls it back, answering its result: a dry run that
     * reports exactly what the write would do (ids it mentions are not kept). Used by import previews.
     */
    public <T> T rehearse(Supplier<T> work) {
        return writes.execute(status -> {
            bindTransaction();
            T result = work.get();
            status.setRollbackOnly();
            return result;
        });
    }

    /** {@link ReplicaReads} registers itself here (it reads through this class, so it cannot be a constructor argument). */
    void replicaReads(ReplicaReads replicaReads) {
        this.replicaReads = replicaReads;
    }

    /**
     * Runs reads bound to the request. Inside a transaction they join it; otherwise each statement is a
     * transaction of its own that carries the request's settings ({@link BoundDataSource}): one round
     * trip per statement, no {@code BEGIN} or {@code COMMIT}. Each statement sees what was committed
     * when it started, as in a read-committed transaction, which is what reads ran in before.
     */
    public <T> T read(Supplier<T> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            bindTransaction();
            return work.get();
        }
        return BoundDataSource.autoCommitBound(binding(), work);
    }

    /**
     * Binds the running transaction to the request: actor and workspace for the triggers and the
     * row-level security policies, and (where the migration could create it) the {@code kanban_app}
     * role, which the policies bind even when the pool connects as a superuser. They travel with the
     * transaction's next statement.
     */
    private void bindTransaction() {
        Connection connection = DataSourceUtils.getConnection(pool);
        try {
            BoundDataSource.bindTransaction(connection, binding());
        } catch (SQLException e) {
            throw new IllegalStateException("not a connection of the service's pool", e);
        } finally {
            DataSourceUtils.releaseConnection(connection, pool);
        }
    }

    private static BoundDataSource.Binding binding() {
        RequestScope ctx = RequestScope.current();
        return new BoundDataSource.Binding(ctx.actor(), Long.toString(ctx.workspaceId()));
    }

    /**
     * Runs {@code work}, statements that only write (nothing read back, one row each), so that they can
     * travel with the transaction's COMMIT instead of taking round trips of their own (the outbox event).
     */
    public static void atCommit(Runnable work) {
        BoundDataSource.atCommit(work);
    }

    /**
     * Refuses work that must be part of the caller's write transaction (an outbox event, a history row,
     * a restored row) when none is active: {@code what} says what needed one.
     */
    public static void requireActive(String what) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException(what);
        }
    }
}
