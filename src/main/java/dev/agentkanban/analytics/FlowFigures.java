package dev.agentkanban.analytics;

import dev.agentkanban.platform.Transactions;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The kept flow figures (V30__flow_figures.sql) for writers that load history in bulk. The history
 * triggers recompute the tasks of every statement; a load that writes a workspace's history row by
 * row (the JSON import) would recompute each task once per row. {@link #deferred} skips the triggers
 * for the load and rebuilds the workspace's figures from its history, set-based, in the same
 * transaction before it commits, so no other transaction ever sees them stale.
 */
@Component
public class FlowFigures {

    private final JdbcClient jdbc;

    FlowFigures(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Runs {@code load} inside the caller's transaction with the triggers deferred, then rebuilds the workspace. */
    public <T> T deferred(long workspaceId, Supplier<T> load) {
        Transactions.requireActive("a deferred load must run inside its write transaction");
        defer(true);
        // a load that fails rolls the transaction back, and the setting with it: nothing to undo then
        T result = load.get();
        defer(false);
        jdbc.sql("select flow_rebuild(:ws)")
                .param("ws", workspaceId)
                .query((rs, n) -> 1)
                .list();
        return result;
    }

    private void defer(boolean on) {
        jdbc.sql("select set_config('kanban.flow_deferred', :v, true)")
                .param("v", on ? "on" : "off")
                .query((rs, n) -> 1)
                .list();
    }
}
