package dev.agentkanban.task;

import dev.agentkanban.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Tasks written before a migration, to test what upgrading does to them: a database of its own, owned by a
 * role that is no superuser (row-level security is forced on the owner too), migrated up to a version,
 * with a board, a column and tasks written within the default workspace as the service wrote them.
 */
final class OldTasks implements AutoCloseable {

    private final TestDatabase db = TestDatabase.get().ownedByPlainRole("old");
    private final SingleConnectionDataSource connection;
    final JdbcClient jdbc;
    final long ws;
    final long[] tasks;

    /** COUNT tasks, in a database migrated up to VERSION. */
    OldTasks(String version, int count) {
        migrate(version);
        connection = new SingleConnectionDataSource(db.jdbcUrl, db.username, db.password, true);
        jdbc = JdbcClient.create(connection);
        ws = jdbc.sql("select id from workspaces where slug = 'default'")
                .query(Long.class)
                .single();
        // as the service writes: within its workspace (row-level security applies to the owner)
        jdbc.sql("select set_config('kanban.workspace_id', ?, false)")
                .params(Long.toString(ws))
                .query(String.class)
                .single();
        long board = id("insert into boards (workspace_id, name, created_by) values (?, 'Old', 'old')", ws);
        long column = id(
                "insert into board_columns (workspace_id, board_id, name, position, kind) values (?, ?, 'To do', 0, 'todo')",
                ws,
                board);
        tasks = new long[count];
        for (int i = 0; i < count; i++) {
            tasks[i] = id(
                    "insert into tasks (workspace_id, board_id, column_id, position, title, created_by)"
                            + " values (?, ?, ?, ?, ?, 'old')",
                    ws,
                    board,
                    column,
                    (i + 1) * 1000,
                    "old task " + i);
        }
    }

    /** Migrates the database up to VERSION, or to the latest when null. */
    void migrate(String version) {
        var flyway = Flyway.configure()
                .dataSource(db.jdbcUrl, db.username, db.password)
                .locations("classpath:db/migration");
        (version == null ? flyway : flyway.target(version)).load().migrate();
    }

    /** The id an INSERT (without its returning clause) returns. */
    long id(String insert, Object... params) {
        return jdbc.sql(insert + " returning id")
                .params(params)
                .query(Long.class)
                .single();
    }

    @Override
    public void close() {
        connection.destroy();
    }
}
