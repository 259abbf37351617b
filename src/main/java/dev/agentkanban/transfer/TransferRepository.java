package dev.agentkanban.transfer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * SQL of imports and exports. Rows are written with their original timestamps, so this is the one
 * place outside the task feature that inserts tasks: the same triggers run (history row, counts,
 * timestamps rules), and the callers append the outbox events. Every statement is workspace-scoped
 * and runs inside a transaction of {@code Transactions}.
 */
@Repository
class TransferRepository {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    TransferRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A task to insert as it was elsewhere; null timestamps are left to the triggers (now). */
    record NewTask(
            long boardId,
            long columnId,
            long position,
            String title,
            String description,
            String acceptanceCriteria,
            String status,
            String cancelReason,
            String priority,
            String epic,
            String area,
            String owner,
            String assignee,
            String createdBy,
            Instant dueDate,
            int occurrenceCount,
            Map<String, Object> metadata,
            Instant createdAt,
            Instant completedAt,
            Instant columnEnteredAt,
            String claimedBy,
            Instant claimExpiresAt) {}

    /** A task already on a board, as the idempotence check of an import sees it. */
    record Existing(long id, long columnId, String title, String originalId) {}

    /** A task as the TODO.md and CSV exports write it. */
    record ExportedTask(
            long id,
            long columnId,
            String column,
            String title,
            String description,
            String acceptanceCriteria,
            String status,
            String cancelReason,
            String priority,
            String epic,
            String area,
            String owner,
            String assignee,
            Instant dueDate,
            int occurrenceCount,
            Map<String, Object> metadata,
            Instant createdAt,
            Instant completedAt,
            List<String> tags) {}

    long insertTask(long ws, NewTask t) {
        return jdbc.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title, description, acceptance_criteria,
                                   status, cancel_reason, priority, epic, area, owner, assignee, created_by, due_date,
                                   occurrence_count, metadata, created_at, completed_at, column_entered_at, claimed_by,
                                   claim_expires_at)
                values (:ws, :board, :column, :position, :title, :description, :criteria, :status, :cancelReason, :priority,
                        :epic, :area, :owner, :assignee, :createdBy, :due, :occurrences, cast(:metadata as jsonb), :createdAt,
                        :completedAt, :enteredAt, :claimedBy, :claimExpires)
                returning id
                """)
                .param("ws", ws)
                .param("board", t.boardId())
                .param("column", t.columnId())
                .param("position", t.position())
                .param("title", t.title())
                .param("description", t.description())
                .param("criteria", t.acceptanceCriteria())
                .param("status", t.status())
                .param("cancelReason", t.cancelReason())
                .param("priority", t.priority())
                .param("epic", t.epic())
                .param("area", t.area())
                .param("owner", t.owner())
                .param("assignee", t.assignee())
                .param("createdBy", t.createdBy())
                .param("due", timestamp(t.dueDate()))
                .param("occurrences", t.occurrenceCount())
                .param("metadata", json.writeValueAsString(t.metadata() == null ? Map.of() : t.metadata()))
                .param("createdAt", timestamp(t.createdAt()))
                .param("completedAt", timestamp(t.completedAt()))
                .param("enteredAt", timestamp(t.columnEnteredAt()))
                .param("claimedBy", t.claimedBy())
                .param("claimExpires", timestamp(t.claimExpiresAt()))
                .query(Long.class)
                .single();
    }

    /** The first board of the workspace with exactly this name. */
    Optional<Long> boardIdByName(long ws, String name) {
        return jdbc.sql("select id from boards where workspace_id = :ws and name = :name order by id limit 1")
                .param("ws", ws)
                .param("name", name)
                .query(Long.class)
                .optional();
    }

    long boardCount(long ws) {
        return jdbc.sql("select count(*) from boards where workspace_id = :ws").param("ws", ws).query(Long.class).single();
    }

    List<Existing> existing(long ws, long boardId) {
        return jdbc.sql("""
                select id, column_id, title, metadata->>'original_id' as original_id from tasks
                where workspace_id = :ws and board_id = :board order by id
                """)
                .param("ws", ws)
                .param("board", boardId)
                .query((rs, n) -> new Existing(rs.getLong("id"), rs.getLong("column_id"), rs.getString("title"),
                        rs.getString("original_id")))
                .list();
    }

    /** The last position in the column (the caller holds the column's lock), or null when it is empty. */
    Long lastPosition(long columnId) {
        return jdbc.sql("select max(position) from tasks where column_id = :c")
                .param("c", columnId)
                .query((rs, n) -> (Long) rs.getObject(1))
                .list()
                .getFirst();
    }

    /** The board's tasks in board order (column position, then task position), with their tag names. */
    List<ExportedTask> boardTasks(long ws, long boardId) {
        return jdbc.sql("""
                select t.id, t.column_id, c.name as column_name, t.title, t.description, t.acceptance_criteria, t.status,
                       t.cancel_reason, t.priority, t.epic, t.area, t.owner, t.assignee, t.due_date, t.occurrence_count,
                       t.metadata::text as metadata, t.created_at, t.completed_at,
                       array(select g.name from task_tags tt join tags g on g.id = tt.tag_id
                             where tt.task_id = t.id order by lower(g.name), g.id) as tags
                from tasks t join board_columns c on c.id = t.column_id
                where t.workspace_id = :ws and t.board_id = :board
                order by c.position, t.position, t.id
                """)
                .param("ws", ws)
                .param("board", boardId)
                .query(this::exported)
                .list();
    }

    private ExportedTask exported(ResultSet rs, int n) throws SQLException {
        String[] tags = (String[]) rs.getArray("tags").getArray();
        return new ExportedTask(rs.getLong("id"), rs.getLong("column_id"), rs.getString("column_name"), rs.getString("title"),
                rs.getString("description"), rs.getString("acceptance_criteria"), rs.getString("status"),
                rs.getString("cancel_reason"), rs.getString("priority"), rs.getString("epic"), rs.getString("area"),
                rs.getString("owner"), rs.getString("assignee"), instant(rs.getTimestamp("due_date")),
                rs.getInt("occurrence_count"), json.readValue(rs.getString("metadata"), MAP),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("completed_at")), Arrays.asList(tags));
    }

    static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    static OffsetDateTime timestamp(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
