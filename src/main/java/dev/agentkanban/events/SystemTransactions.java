package dev.agentkanban.events;

import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Transactions for system work on the outbox: the dispatcher reading every workspace's new events,
 * the retention jobs, webhook delivery. They are not tenant work, so they are bound to no workspace
 * and do not switch to the {@code kanban_app} role; they run as the pool's own user and mark
 * themselves with {@code kanban.system} for the outbox's system policies (V6__live.sql). Never use
 * this for anything a request asked for: requests go through platform.Transactions.
 */
@Component
public class SystemTransactions {

    private final TransactionTemplate reads;
    private final TransactionTemplate writes;
    private final TransactionTemplate apart;
    private final JdbcClient jdbc;

    SystemTransactions(PlatformTransactionManager manager, JdbcClient jdbc) {
        this.reads = new TransactionTemplate(manager);
        this.reads.setReadOnly(true);
        this.writes = new TransactionTemplate(manager);
        this.apart = new TransactionTemplate(manager);
        this.apart.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.jdbc = jdbc;
    }

    public <T> T read(Supplier<T> work) {
        return reads.execute(status -> {
            mark();
            return work.get();
        });
    }

    public <T> T write(Supplier<T> work) {
        return writes.execute(status -> {
            mark();
            return work.get();
        });
    }

    /**
     * System work in a transaction of its own beside whatever transaction the calling thread holds (it
     * commits even if the caller's rolls back), e.g. an import's progress written while the import runs.
     */
    public <T> T writeApart(Supplier<T> work) {
        return apart.execute(status -> {
            mark();
            return work.get();
        });
    }

    /**
     * A retention sweep: {@code batch} deletes at most {@code size} rows and answers how many. Each batch
     * runs in a system transaction that first takes the transaction-scoped advisory lock named
     * {@code lock} without waiting; while another instance holds it, this one leaves the sweep to that
     * one (answers -1 when it deleted nothing), so instances never block each other. Batches repeat
     * until one deletes fewer than {@code size}; answers how many rows were deleted.
     */
    public long sweep(String lock, int size, IntSupplier batch) {
        long deleted = 0;
        while (true) {
            Integer n = write(() -> {
                boolean mine = jdbc.sql("select pg_try_advisory_xact_lock(hashtextextended(:lock, 0))")
                        .param("lock", lock)
                        .query(Boolean.class)
                        .single();
                return mine ? batch.getAsInt() : null;
            });
            if (n == null) {
                return deleted == 0 ? -1 : deleted;
            }
            deleted += n;
            if (n < size) {
                return deleted;
            }
        }
    }

    private void mark() {
        jdbc.sql("select set_config('kanban.system', 'on', true)")
                .query((rs, n) -> 1)
                .single();
    }
}
