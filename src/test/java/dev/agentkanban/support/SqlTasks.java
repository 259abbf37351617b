package dev.agentkanban.support;

import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Tasks made with plain SQL, for features that hang things off tasks and are tested without the task
 * API: a board with one column and a task in it, in the default or in a fresh other workspace.
 */
public final class SqlTasks {

    private final JdbcClient jdbc;

    public SqlTasks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long defaultWorkspace() {
        return jdbc.sql("select id from workspaces where slug = 'default'")
                .query(Long.class)
                .single();
    }

    /** A new workspace next to the default one (it gets the default tags from its trigger). */
    public long otherWorkspace() {
        String slug = "other-" + UUID.randomUUID().toString().substring(0, 8);
        return jdbc.sql("insert into workspaces (slug, name) values (:slug, 'Other') returning id")
                .param("slug", slug)
                .query(Long.class)
                .single();
    }

    /** A task on a new board of the default workspace. */
    public long task(String title) {
        return task(defaultWorkspace(), title);
    }

    /** A task on a new board (with one column) of the given workspace. */
    public long task(long workspaceId, String title) {
        long board = jdbc.sql(
                        "insert into boards (workspace_id, name) values (:ws, 'Board of ' || :title) returning id")
                .param("ws", workspaceId)
                .param("title", title)
                .query(Long.class)
                .single();
        long column = jdbc.sql("""
                insert into board_columns (workspace_id, board_id, name, position) values (:ws, :board, 'To Do', 0)
                returning id
                """)
                .param("ws", workspaceId)
                .param("board", board)
                .query(Long.class)
                .single();
        return jdbc.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title)
                values (:ws, :board, :column, 1024, :title) returning id
                """)
                .param("ws", workspaceId)
                .param("board", board)
                .param("column", column)
                .param("title", title)
                .query(Long.class)
                .single();
    }

    public long boardOf(long taskId) {
        return jdbc.sql("select board_id from tasks where id = :id")
                .param("id", taskId)
                .query(Long.class)
                .single();
    }
}
