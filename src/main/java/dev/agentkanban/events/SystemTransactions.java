package dev.agentkanban.events;

import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Transactions for system work on the outbox: the dispatcher reading every workspace's new events,
 * the retention job, webhook delivery. They are not tenant work, so they are bound to no workspace
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

    private void mark() {
        jdbc.sql("select set_config('kanban.system', 'on', true)")
                .query((rs, n) -> 1)
                .single();
    }
}
