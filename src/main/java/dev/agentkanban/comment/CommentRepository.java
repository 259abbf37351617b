package dev.agentkanban.comment;

import dev.agentkanban.identity.DisplayNames;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for comments. Every statement is scoped to a workspace. */
@Repository
class CommentRepository {

    /**
     * A comment's columns read through the alias {@code c}, with its author's display name (the author
     * name itself when no user has that name, e.g. an imported author, or the user has no display name).
     */
    private static final String COLUMNS = "c.id, c.task_id, c.author, c.body, c.created_at, c.updated_at, "
            + DisplayNames.of("c.author") + " as author_display_name\n";

    private final JdbcClient jdbc;

    CommentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Comment> list(long workspaceId, long taskId, int limit, long offset) {
        return jdbc.sql("select " + COLUMNS + """
                 from comments c where c.workspace_id = :ws and c.task_id = :task
                order by c.created_at, c.id limit :limit offset :offset
                """)
                .param("ws", workspaceId)
                .param("task", taskId)
                .param("limit", limit)
                .param("offset", offset)
                .query(CommentRepository::comment)
                .list();
    }

    long count(long workspaceId, long taskId) {
        return jdbc.sql("select count(*) from comments where workspace_id = :ws and task_id = :task")
                .param("ws", workspaceId)
                .param("task", taskId)
                .query(Long.class)
                .single();
    }

    Optional<Comment> find(long workspaceId, long id, boolean forUpdate) {
        return jdbc.sql("select " + COLUMNS + " from comments c where c.workspace_id = :ws and c.id = :id"
                        + (forUpdate ? " for update" : ""))
                .param("ws", workspaceId)
                .param("id", id)
                .query(CommentRepository::comment)
                .optional();
    }

    Comment insert(long workspaceId, long taskId, String author, String body) {
        return jdbc.sql(
                        "insert into comments as c (workspace_id, task_id, author, body) values (:ws, :task, :author, :body)"
                                + " returning " + COLUMNS)
                .param("ws", workspaceId)
                .param("task", taskId)
                .param("author", author)
                .param("body", body)
                .query(CommentRepository::comment)
                .single();
    }

    /** A comment with its author and times as they were (null: now). */
    long insert(long workspaceId, long taskId, String author, String body, Instant createdAt, Instant updatedAt) {
        return jdbc.sql("""
                insert into comments (workspace_id, task_id, author, body, created_at, updated_at)
                values (:ws, :task, :author, :body, coalesce(:createdAt, now()), coalesce(:updatedAt, :createdAt, now()))
                returning id
                """)
                .param("ws", workspaceId)
                .param("task", taskId)
                .param("author", author)
                .param("body", body)
                .param("createdAt", createdAt == null ? null : createdAt.atOffset(ZoneOffset.UTC))
                .param("updatedAt", updatedAt == null ? null : updatedAt.atOffset(ZoneOffset.UTC))
                .query(Long.class)
                .single();
    }

    Optional<Comment> update(long workspaceId, long id, String body) {
        return jdbc.sql("update comments c set body = :body where c.workspace_id = :ws and c.id = :id returning "
                        + COLUMNS)
                .param("ws", workspaceId)
                .param("id", id)
                .param("body", body)
                .query(CommentRepository::comment)
                .optional();
    }

    int delete(long workspaceId, long id) {
        return jdbc.sql("delete from comments where workspace_id = :ws and id = :id")
                .param("ws", workspaceId)
                .param("id", id)
                .update();
    }

    private static Comment comment(ResultSet rs, int n) throws SQLException {
        return new Comment(
                rs.getLong("id"),
                rs.getLong("task_id"),
                rs.getString("author"),
                rs.getString("author_display_name"),
                rs.getString("body"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
