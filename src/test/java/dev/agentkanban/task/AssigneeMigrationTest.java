package dev.agentkanban.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.TestDatabase;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The migration of existing assignee names (issue 15, V31): on a database of the schema before it,
 * with tasks whose free-text assignee names a member by username (any case), by display name, names
 * nobody, or names a user of another workspace, upgrading maps the first two to those members (as
 * already announced: nobody is notified of old assignments) and keeps every name as it was; the
 * notification fan-out starts after the old release's events (V31_3), so old mentions, comments and
 * moves notify nobody.
 */
class AssigneeMigrationTest {

    @Test
    void existingAssigneeNamesMapToMembersAndTheRestStayText() {
        TestDatabase db = TestDatabase.get().another("assignees");
        Flyway before = Flyway.configure()
                .dataSource(db.jdbcUrl, db.username, db.password)
                .locations("classpath:db/migration")
                .target("29.3")
                .load();
        before.migrate();
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(db.jdbcUrl, db.username, db.password));
        long ws = jdbc.sql("select id from workspaces where slug = 'default'")
                .query(Long.class)
                .single();
        long other = jdbc.sql("insert into workspaces (name, slug) values ('Other', 'other') returning id")
                .query(Long.class)
                .single();
        long ann = user(jdbc, ws, "ann", "Ann Lee");
        long bot = user(jdbc, ws, "deploy-bot", "Deployer");
        user(jdbc, other, "olga", "Olga");
        long board = jdbc.sql(
                        "insert into boards (workspace_id, name, created_by) values (:ws, 'Old', 'old') returning id")
                .param("ws", ws)
                .query(Long.class)
                .single();
        long column = jdbc.sql("""
                insert into board_columns (workspace_id, board_id, name, position, kind)
                values (:ws, :b, 'To do', 0, 'todo') returning id
                """)
                .param("ws", ws)
                .param("b", board)
                .query(Long.class)
                .single();
        List<String> names = List.of("ANN", "Deployer", "someone outside", "olga");
        long[] tasks = new long[names.size()];
        for (int i = 0; i < names.size(); i++) {
            tasks[i] = jdbc.sql("""
                    insert into tasks (workspace_id, board_id, column_id, position, title, created_by, assignee)
                    values (:ws, :b, :c, :p, :t, 'old', :a) returning id
                    """)
                    .param("ws", ws)
                    .param("b", board)
                    .param("c", column)
                    .param("p", (i + 1) * 1000)
                    .param("t", "old task " + i)
                    .param("a", names.get(i))
                    .query(Long.class)
                    .single();
        }
        // an event of the old release that mentions ann: history by now, not news
        long oldEvent = jdbc.sql("""
                insert into outbox_events (workspace_id, board_id, task_id, type, actor, payload)
                values (:ws, :b, :t, 'task_created', 'old', '{"task": {"description": "for @ann"}}') returning id
                """)
                .param("ws", ws)
                .param("b", board)
                .param("t", tasks[0])
                .query(Long.class)
                .single();

        Flyway.configure()
                .dataSource(db.jdbcUrl, db.username, db.password)
                .locations("classpath:db/migration")
                .load()
                .migrate();

        assertThat(jdbc.sql("select position from notification_cursor")
                        .query(Long.class)
                        .single())
                .as("the fan-out starts after the old release's events")
                .isEqualTo(oldEvent);

        assertThat(assignees(jdbc, tasks[0])).containsExactly(ann + ":true");
        assertThat(assignees(jdbc, tasks[1])).containsExactly(bot + ":true");
        assertThat(assignees(jdbc, tasks[2])).isEmpty();
        assertThat(assignees(jdbc, tasks[3]))
                .as("a user of another workspace is no member here")
                .isEmpty();
        assertThat(jdbc.sql("select assignee from tasks where board_id = :b order by id")
                        .param("b", board)
                        .query(String.class)
                        .list())
                .containsExactlyElementsOf(names);
        assertThat(jdbc.sql("select count(*) from notifications")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private static long user(JdbcClient jdbc, long ws, String username, String displayName) {
        long id = jdbc.sql("insert into users (username, display_name) values (:u, :d) returning id")
                .param("u", username)
                .param("d", displayName)
                .query(Long.class)
                .single();
        jdbc.sql("insert into memberships (workspace_id, user_id, role) values (:ws, :u, 'member')")
                .param("ws", ws)
                .param("u", id)
                .update();
        return id;
    }

    private static List<String> assignees(JdbcClient jdbc, long task) {
        return jdbc.sql("select user_id || ':' || notified from task_assignees where task_id = :t")
                .param("t", task)
                .query(String.class)
                .list();
    }
}
