package dev.agentkanban.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.analytics.History.Board;
import dev.agentkanban.support.ApiTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a single write costs the flow figures (issue #19, V37__flow_append_fast_path.sql), counted in
 * the writing transaction by PostgreSQL itself: the trigger functions called
 * ({@code pg_stat_get_xact_function_calls} with {@code track_functions = all}) and the rows written
 * ({@code pg_stat_xact_user_tables}). A create, a move and a status change fold their one history row
 * into the figures (a few rows appended or updated, in three statements since V59, without calling
 * {@code flow_count_change}) and never recompute the task's trail; a title
 * change calls nothing of the flow maintenance beyond the history trigger's scan of its statement; a
 * move with a status change writes its two history rows in one statement and folds them in one call
 * (V65).
 * Counts, not timings: a change that brings back the recomputation on the hot path fails here, and
 * FlowFiguresTest checks that the figures kept are still exactly the recomputation's.
 */
class FlowWriteCostTest extends ApiTest {

    @Autowired
    DataSource dataSource;

    private static final String[] FUNCTIONS = {
        "flow_after_history_write", "flow_fold_appended", "flow_rebuild_tasks", "flow_count_change"
    };
    private static final String[] TABLES = {
        "task_history", "flow_tasks", "flow_spans", "flow_counts", "flow_counts_daily"
    };

    @Test
    void aWriteFoldsItsOneHistoryRowWithoutRecomputingTheTrail() throws SQLException {
        Board b = new History(jdbc, http).board("Write cost", "To Do", "todo", "Doing", "in_progress", "Done", "done");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            assertThat(counted(c, b.workspace(), """
                            insert into tasks (workspace_id, board_id, column_id, position, title, status, priority, created_by)
                            values (%d, %d, %d, 65536, 'counted', 'pending', 'medium', 'tester')
                            """.formatted(b.workspace(), b.id(), b.col(0))))
                    .as("create")
                    .isEqualTo(expected(
                            "flow_after_history_write=1",
                            "flow_fold_appended=1",
                            "task_history=1/0/0",
                            "flow_tasks=1/0/0",
                            "flow_spans=1/0/0",
                            "flow_counts=1/0/0",
                            "flow_counts_daily=1/0/0"));
            long task = jdbc.sql("select max(id) from tasks where board_id = :b")
                    .param("b", b.id())
                    .query(Long.class)
                    .single();
            assertThat(counted(
                            c,
                            b.workspace(),
                            "update tasks set column_id = " + b.col(1) + ", position = 131072 where id = " + task))
                    .as("move")
                    .isEqualTo(expected(
                            "flow_after_history_write=1",
                            "flow_fold_appended=1",
                            "task_history=1/0/0",
                            "flow_tasks=0/1/0",
                            "flow_spans=1/1/0",
                            "flow_counts=2/0/0",
                            "flow_counts_daily=2/0/0"));
            assertThat(counted(c, b.workspace(), "update tasks set status = 'in_progress' where id = " + task))
                    .as("status change")
                    .isEqualTo(expected(
                            "flow_after_history_write=1",
                            "flow_fold_appended=1",
                            "task_history=1/0/0",
                            "flow_tasks=0/1/0"));
            assertThat(counted(c, b.workspace(), "update tasks set title = 'renamed' where id = " + task))
                    .as("title change")
                    .isEqualTo(expected("flow_after_history_write=1", "task_history=1/0/0"));
            // what was kept is what the recomputation gives (FlowFiguresTest compares it all)
            assertThat(jdbc.sql("select cur_column, started_at is not null, final_status from flow_tasks"
                                    + " where task_id = :id")
                            .param("id", task)
                            .query()
                            .singleRow()
                            .values())
                    .containsExactly(b.col(1), true, "in_progress");
            // a move into a column of another kind changes the status too: its two history rows are one
            // statement, folded in one pass (V65), not a second fold reading again what the first wrote
            assertThat(counted(
                            c,
                            b.workspace(),
                            "update tasks set column_id = " + b.col(2) + ", position = 196608, status = 'completed'"
                                    + " where id = " + task))
                    .as("move with a status change")
                    .isEqualTo(expected(
                            "flow_after_history_write=1",
                            "flow_fold_appended=1",
                            "task_history=2/0/0",
                            "flow_tasks=0/1/0",
                            "flow_spans=1/1/0",
                            "flow_counts=2/0/0",
                            "flow_counts_daily=2/0/0"));
            assertThat(jdbc.sql("select h.action from task_history h where h.task_id = :id order by h.id desc limit 2")
                            .param("id", task)
                            .query(String.class)
                            .list())
                    .containsExactly("status_changed", "moved");
            assertThat(jdbc.sql("select cur_column, final_status, completed_at is not null as completed,"
                                    + " lead_seconds is not null as lead"
                                    + " from flow_tasks where task_id = :id")
                            .param("id", task)
                            .query()
                            .singleRow()
                            .values())
                    .containsExactly(b.col(2), "completed", true, true);
        }
    }

    /**
     * What one statement did, in its own transaction: the counters read before and after it, inside
     * the transaction (PostgreSQL adds a backend's counts to the shared ones only between
     * transactions, and until then its transaction counters still hold earlier transactions' counts).
     */
    private static Map<String, String> counted(Connection c, long workspace, String sql) throws SQLException {
        update(c, "set local track_functions = 'all'");
        update(
                c,
                "select set_config('kanban.workspace_id', '" + workspace + "', true),"
                        + " set_config('kanban.actor', 'tester', true)");
        Map<String, long[]> before = counts(c);
        update(c, sql);
        Map<String, long[]> after = counts(c);
        c.commit();
        Map<String, String> out = new TreeMap<>();
        after.forEach((k, v) -> {
            long[] b = before.getOrDefault(k, new long[v.length]);
            long[] d = new long[v.length];
            boolean any = false;
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i] - b[i];
                any |= d[i] != 0;
            }
            if (any) {
                out.put(k, d.length == 1 ? Long.toString(d[0]) : d[0] + "/" + d[1] + "/" + d[2]);
            }
        });
        return out;
    }

    private static void update(Connection c, String sql) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** This backend's function calls and rows inserted/updated/deleted not yet reported. */
    private static Map<String, long[]> counts(Connection c) throws SQLException {
        Map<String, long[]> out = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                select p.proname, coalesce(pg_stat_get_xact_function_calls(p.oid), 0)
                from pg_proc p where p.proname = any(?) and p.pronamespace = 'public'::regnamespace
                """)) {
            s.setArray(1, c.createArrayOf("text", FUNCTIONS));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), new long[] {r.getLong(2)});
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                select relname, n_tup_ins, n_tup_upd, n_tup_del from pg_stat_xact_user_tables
                where relname = any(?) and schemaname = 'public'
                """)) {
            s.setArray(1, c.createArrayOf("text", TABLES));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), new long[] {r.getLong(2), r.getLong(3), r.getLong(4)});
                }
            }
        }
        return out;
    }

    private static Map<String, String> expected(String... pairs) {
        Map<String, String> out = new TreeMap<>();
        for (String p : pairs) {
            String[] kv = p.split("=");
            out.put(kv[0], kv[1]);
        }
        return out;
    }
}
