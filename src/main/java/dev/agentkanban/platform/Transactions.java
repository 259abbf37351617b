package dev.agentkanban.platform;

import java.util.function.Supplier;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs feature work in one database transaction bound to the request's actor and workspace
 * ({@code kanban.actor}, {@code kanban.workspace_id}), which the audit triggers read. A write that
 * loses a deadlock or serialization race is retried from the start, a bounded number of times.
 * When the request already runs in a transaction (an {@code Idempotency-Key} request, see
 * IdempotencyFilter) the work joins it, so that the effect commits together with the stored response.
 */
@Component
public class Transactions {

    private static final int ATTEMPTS = 4;

    private final TransactionTemplate writes;
    private final TransactionTemplate reads;
    private final JdbcClient jdbc;
    private volatile Boolean appRole;
    private volatile ReplicaReads replicaReads;

    Transactions(PlatformTransactionManager manager, JdbcClient jdbc) {
        this.writes = new TransactionTemplate(manager);
        // inside a request's own transaction (IdempotencyFilter) a write is a savepoint: a refused or
        // retried write rolls back its own part only; alone it is a transaction of its own
        this.writes.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.reads = new TransactionTemplate(manager);
        this.reads.setReadOnly(true);
        this.reads.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
        this.jdbc = jdbc;
    }

    public <T> T write(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return writes.execute(status -> {
                    bind();
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
            bind();
            T result = work.get();
            status.setRollbackOnly();
            return result;
        });
    }

    /** {@link ReplicaReads} registers itself here (it reads through this class, so it cannot be a constructor argument). */
    void replicaReads(ReplicaReads replicaReads) {
        this.replicaReads = replicaReads;
    }

    public <T> T read(Supplier<T> work) {
        return reads.execute(status -> {
            bind();
            return work.get();
        });
    }

    /**
     * Binds the transaction to the request: actor and workspace for the triggers and the row-level
     * security policies, and (where the migration could create it) the {@code kanban_app} role, which
     * the policies bind even when the pool connects as a superuser.
     */
    private void bind() {
        RequestScope ctx = RequestScope.current();
        jdbc.sql(
                        appRole()
                                ? "select set_config('kanban.actor', :actor, true), set_config('kanban.workspace_id', :ws, true),"
                                        + " set_config('role', 'kanban_app', true)"
                                : "select set_config('kanban.actor', :actor, true), set_config('kanban.workspace_id', :ws, true)")
                .param("actor", ctx.actor())
                .param("ws", Long.toString(ctx.workspaceId()))
                .query((rs, n) -> 1)
                .single();
    }

    private boolean appRole() {
        Boolean known = appRole;
        if (known == null) {
            known = jdbc.sql("select case when exists (select 1 from pg_roles where rolname = 'kanban_app')"
                            + " then pg_has_role(current_user, 'kanban_app', 'member') else false end")
                    .query(Boolean.class)
                    .single();
            appRole = known;
        }
        return known;
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
