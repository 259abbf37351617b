package dev.agentkanban.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.TestDatabase;
import java.util.Map;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * V57 on a database that already has tasks with parts: upgrading sets each task's {@code view_parts}
 * bits from the parts it has, also where the migration runs as the tables' owner without being a
 * superuser (row-level security is forced on the owner too), and leaves tasks without parts at 0.
 */
class ViewPartsMigrationTest {

    @Test
    void upgradingSetsTheBitsOfTheTasksThatHaveParts() {
        TestDatabase db = TestDatabase.get().ownedByPlainRole("parts");
        Flyway.configure()
                .dataSource(db.jdbcUrl, db.username, db.password)
                .locations("classpath:db/migration")
                .target("56")
                .load()
                .migrate();
        SingleConnectionDataSource one = new SingleConnectionDataSource(db.jdbcUrl, db.username, db.password, true);
        try {
            JdbcClient jdbc = JdbcClient.create(one);
            long ws = jdbc.sql("select id from workspaces where slug = 'default'")
                    .query(Long.class)
                    .single();
            // as the service writes: within its workspace (row-level security applies to the owner)
            jdbc.sql("select set_config('kanban.workspace_id', ?, false)")
                    .params(Long.toString(ws))
                    .query(String.class)
                    .single();
            long board = id(jdbc, "insert into boards (workspace_id, name, created_by) values (?, 'Old', 'old')", ws);
            long column = id(
                    jdbc,
                    "insert into board_columns (workspace_id, board_id, name, position, kind) values (?, ?, 'To do', 0, 'todo')",
                    ws,
                    board);
            long[] t = new long[6];
            for (int i = 0; i < t.length; i++) {
                t[i] = id(
                        jdbc,
                        "insert into tasks (workspace_id, board_id, column_id, position, title, created_by)"
                                + " values (?, ?, ?, ?, ?, 'old')",
                        ws,
                        board,
                        column,
                        (i + 1) * 1000,
                        "old task " + i);
            }
            id(jdbc, "insert into comments (workspace_id, task_id, author, body) values (?, ?, 'old', 'hi')", ws, t[0]);
            long tag = id(jdbc, "insert into tags (workspace_id, name) values (?, 'old tag')", ws);
            jdbc.sql("insert into task_tags (workspace_id, task_id, tag_id) values (?, ?, ?)")
                    .params(ws, t[0], tag)
                    .update();
            id(
                    jdbc,
                    "insert into task_relations (workspace_id, kind, from_task_id, to_task_id) values (?, 'blocks', ?, ?)",
                    ws,
                    t[1],
                    t[2]);
            id(
                    jdbc,
                    "insert into task_relations (workspace_id, kind, from_task_id, to_task_id) values (?, 'parent', ?, ?)",
                    ws,
                    t[3],
                    t[4]);
            id(
                    jdbc,
                    "insert into checklist_items (workspace_id, task_id, position, text) values (?, ?, 1, 'item')",
                    ws,
                    t[1]);
            long user = id(jdbc, "insert into users (username, display_name) values ('ann', 'Ann')");
            jdbc.sql("insert into memberships (workspace_id, user_id, role) values (?, ?, 'member')")
                    .params(ws, user)
                    .update();
            jdbc.sql("insert into task_assignees (workspace_id, task_id, user_id) values (?, ?, ?)")
                    .params(ws, t[4], user)
                    .update();

            Flyway.configure()
                    .dataSource(db.jdbcUrl, db.username, db.password)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();

            Map<Long, Integer> bits = jdbc
                    .sql("select id, view_parts from tasks")
                    .query((rs, n) -> Map.entry(rs.getLong(1), rs.getInt(2)))
                    .list()
                    .stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(bits)
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            t[0], 1 | 2, // comment, tag
                            t[1], 32, // checklist (blocking another is not a part of the blocker)
                            t[2], 4, // blocked
                            t[3], 16, // has a subtask
                            t[4], 8 | 64, // has a parent, an assignee
                            t[5], 0));
            // and the parts read through the bits are there
            assertThat(jdbc.sql("select p.comment_count || ' ' || p.tags from tasks t,"
                                    + " task_parts(t.id, t.view_parts, t.board_id, t.custom_fields) p where t.id = ?")
                            .params(t[0])
                            .query(String.class)
                            .single())
                    .startsWith("1 [{\"id\":" + tag + ",\"name\":\"old tag\"");
        } finally {
            one.destroy();
        }
    }

    private static long id(JdbcClient jdbc, String insert, Object... params) {
        return jdbc.sql(insert + " returning id")
                .params(params)
                .query(Long.class)
                .single();
    }
}
