package dev.agentkanban.events;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.platform.DatabaseMonitor;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.platform.WorkerLag;
import java.util.OptionalLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Followers of the change feed (the worker) report how far they have processed it; the health's
 * worker lag is the age, in seconds, of the oldest event some follower has not processed yet (0 when
 * all are caught up, null when no follower ever reported). A follower that stops reporting shows a
 * growing lag as new events arrive.
 */
@Service
class FeedFollowers implements WorkerLag {

    /** Per follower the oldest event after its cursor in its workspace (the outbox index makes that one row). */
    private static final String LAG = """
            select max(coalesce(extract(epoch from now() - (
                       select e.occurred_at from outbox_events e
                       where e.workspace_id = f.workspace_id and e.id > f.cursor order by e.id limit 1)), 0))::bigint
            from feed_followers f
            """;

    private final Transactions tx;
    private final JdbcClient jdbc;
    private final DatabaseMonitor monitor;

    FeedFollowers(Transactions tx, JdbcClient jdbc, DatabaseMonitor monitor) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.monitor = monitor;
    }

    /** Records that the calling follower (the caller's actor) has processed the workspace's events up to {@code cursor}. */
    void report(long cursor) {
        RequestContext ctx = CurrentRequest.get();
        tx.write(() -> jdbc.sql("""
                insert into feed_followers (workspace_id, follower, cursor) values (:ws, :follower, :cursor)
                on conflict (workspace_id, follower) do update set cursor = excluded.cursor, reported_at = now()
                """)
                .param("ws", ctx.workspaceId())
                .param("follower", ctx.actor())
                .param("cursor", cursor)
                .update());
    }

    /** Asked on the health monitor's own connection, so a saturated pool cannot hold up the health report. */
    @Override
    public OptionalLong seconds() {
        // the health report asked the database just before: while it is down, do not wait for it twice
        return monitor.isDown() ? OptionalLong.empty() : monitor.systemNumber(LAG);
    }
}
