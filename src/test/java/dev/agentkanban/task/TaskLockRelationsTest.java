package dev.agentkanban.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code lock_task_for_change} (V35, V63) answers, under the task's lock, whether an open task blocks
 * it, whether it has (open) subtasks and whether it blocks open tasks. Since V63 it looks up the first
 * three only when the task's {@code view_parts} bits for blockers (4) or subtasks (16) are set (issue
 * #19): a task without relations costs one look-up of {@code task_relations} instead of four, and the
 * answers are the same, relations present or gone.
 */
class TaskLockRelationsTest extends ApiTest {

    @Autowired
    DataSource dataSource;

    /** What the lock answered, and how many scans of task_relations (table or index) it ran. */
    record Locked(List<Boolean> answers, long relationScans) {}

    @Test
    void relationsAreLookedUpOnlyWhereTheTaskMayHaveThemAndFoundWhereItHas() throws SQLException {
        TaskFixtures f = new TaskFixtures(http);
        long board = f.board("Locked")[0];
        long plain = f.task(board, "plain");
        long blocked = f.task(board, "blocked");
        long blocker = f.task(board, "blocker");
        long parent = f.task(board, "parent");
        long child = f.task(board, "child");
        relation("blocks", blocker, blocked);
        relation("parent", parent, child);

        assertThat(lock(plain)).isEqualTo(new Locked(List.of(false, false, false, false), 1));
        assertThat(lock(child)).as("a subtask (bit 8)").isEqualTo(new Locked(List.of(false, false, false, false), 1));
        assertThat(lock(blocker))
                .as("blocks an open task: no bit, still looked up")
                .isEqualTo(new Locked(List.of(false, false, false, true), 1));
        assertThat(lock(blocked)).isEqualTo(new Locked(List.of(true, false, false, false), 4));
        assertThat(lock(parent)).isEqualTo(new Locked(List.of(false, true, true, false), 4));

        jdbc.sql("update tasks set status = 'completed' where id = :id")
                .param("id", child)
                .update();
        assertThat(lock(parent)).as("its subtask done").isEqualTo(new Locked(List.of(false, true, false, false), 4));
        jdbc.sql("delete from task_relations").update();
        assertThat(lock(blocked))
                .as("the relation gone, the bit kept: looked up, not found")
                .isEqualTo(new Locked(List.of(false, false, false, false), 4));
        assertThat(lock(parent)).isEqualTo(new Locked(List.of(false, false, false, false), 4));
        assertThat(lock(blocker)).isEqualTo(new Locked(List.of(false, false, false, false), 1));
    }

    private void relation(String kind, long from, long to) {
        jdbc.sql("""
                        insert into task_relations (workspace_id, kind, from_task_id, to_task_id)
                        values (:ws, :kind, :from, :to)
                        """)
                .param("ws", defaultWorkspace)
                .param("kind", kind)
                .param("from", from)
                .param("to", to)
                .update();
    }

    private Locked lock(long task) throws SQLException {
        String scans = """
                select sum(pg_stat_get_xact_numscans(c.oid))::bigint from pg_class c
                where c.oid = 'task_relations'::regclass
                   or c.oid in (select i.indexrelid from pg_index i where i.indrelid = 'task_relations'::regclass)
                """;
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                s.execute("select set_config('kanban.workspace_id', '" + defaultWorkspace + "', true),"
                        + " set_config('kanban.actor', 'tester', true)");
                long before = single(c, scans);
                List<Boolean> answers;
                try (PreparedStatement p = c.prepareStatement("""
                                select blocked, has_children, open_children, open_dependants
                                from lock_task_for_change(?, ?)
                                """)) {
                    p.setLong(1, defaultWorkspace);
                    p.setLong(2, task);
                    try (ResultSet r = p.executeQuery()) {
                        assertThat(r.next()).isTrue();
                        answers = List.of(r.getBoolean(1), r.getBoolean(2), r.getBoolean(3), r.getBoolean(4));
                    }
                }
                long after = single(c, scans);
                c.rollback();
                return new Locked(answers, after - before);
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql);
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
