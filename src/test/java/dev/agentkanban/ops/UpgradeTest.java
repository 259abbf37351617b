package dev.agentkanban.ops;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;

/**
 * Upgrades from the previous release's schema with data in it: a database migrated only up to the
 * last migration of the previous release, filled the way that release wrote rows, is taken over by
 * this build (which applies the rest at start) and serves it. No release is tagged yet; the previous
 * release is the last commit whose CI landed before this test (be01148), whose newest migration is
 * V10. Raise {@link #PREVIOUS_RELEASE} to the newest migration of each release once it ships.
 */
class UpgradeTest {

    static final String PREVIOUS_RELEASE = "10";

    @Test
    void aDatabaseOfThePreviousReleaseWithDataIsMigratedAndServed() {
        TestDatabase db = TestDatabase.get().another("upgrade");
        Flyway.configure()
                .dataSource(db.jdbcUrl, db.username, db.password)
                .locations("classpath:db/migration")
                .target(PREVIOUS_RELEASE)
                .load()
                .migrate();
        JdbcClient old = JdbcClient.create(new DriverManagerDataSource(db.jdbcUrl, db.username, db.password));
        assertThat(old.sql("select max(version::int) from flyway_schema_history where success")
                        .query(Integer.class)
                        .single())
                .isEqualTo(Integer.parseInt(PREVIOUS_RELEASE));
        long ws = old.sql("select id from workspaces where slug = 'default'")
                .query(Long.class)
                .single();
        long board = old.sql(
                        "insert into boards (workspace_id, name, created_by) values (:ws, 'From the old release', 'old') returning id")
                .param("ws", ws)
                .query(Long.class)
                .single();
        long todo = column(old, ws, board, "To do", 0, "todo");
        long done = column(old, ws, board, "Done", 1, "done");
        for (int i = 1; i <= 3; i++) {
            old.sql(
                            "insert into tasks (workspace_id, board_id, column_id, position, title, created_by) values (:ws, :b, :c, :p, :t, 'old')")
                    .param("ws", ws)
                    .param("b", board)
                    .param("c", todo)
                    .param("p", i * 1000)
                    .param("t", "old task " + i)
                    .update();
        }
        long oldTask = old.sql("select min(id) from tasks where board_id = :b")
                .param("b", board)
                .query(Long.class)
                .single();

        try (AppInstance app = AppInstance.startOn(db, List.of())) {
            Http http = app.http.withToken(app.token("upgrader", Role.ADMIN, "read", "write", "admin"));
            JsonNode health = http.get("/api/v1/health").json();
            assertThat(health.get("migrations").get("pending").asInt())
                    .as("all of this build's migrations applied")
                    .isZero();

            Response state = http.get("/api/v1/boards/" + board);
            assertThat(state.status()).as(state.body()).isEqualTo(200);
            assertThat(state.json().get("columns")).hasSize(2);
            Response tasks = http.get("/api/v1/tasks?board_id=" + board);
            assertThat(tasks.status()).as(tasks.body()).isEqualTo(200);
            assertThat(tasks.json().get("total").asLong()).isEqualTo(3);

            Response moved = http.post("/api/v1/tasks/" + oldTask + "/move", obj("column_id", done));
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
            assertThat(moved.json().get("status").asString()).isEqualTo("completed");
            Response created = http.post("/api/v1/tasks", obj("board_id", board, "title", "new after the upgrade"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(http.get("/api/v1/tasks/" + oldTask + "/history").status())
                    .isEqualTo(200);
        }
    }

    private static long column(JdbcClient jdbc, long ws, long board, String name, int position, String kind) {
        return jdbc.sql(
                        "insert into board_columns (workspace_id, board_id, name, position, kind) values (:ws, :b, :n, :p, :k) returning id")
                .param("ws", ws)
                .param("b", board)
                .param("n", name)
                .param("p", position)
                .param("k", kind)
                .query(Long.class)
                .single();
    }
}
