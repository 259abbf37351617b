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
import org.springframework.jdbc.core.RowCallbackHandler;
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
            List<String> tags,
            Long parentId,
            List<Long> blockedBy,
            List<TodoMarkdown.Check> checklist,
            Map<String, Object> fields) {}

    /** The first board of the workspace with exactly this name. */
    Optional<Long> boardIdByName(long ws, String name) {
        return jdbc.sql("select id from boards where workspace_id = :ws and name = :name order by id limit 1")
                .param("ws", ws)
                .param("name", name)
                .query(Long.class)
                .optional();
    }

    long boardCount(long ws) {
        return jdbc.sql("select count(*) from boards where workspace_id = :ws")
                .param("ws", ws)
                .query(Long.class)
                .single();
    }

    /** The tasks a workspace export writes (every board's, archived and trashed ones included). */
    long taskCount(long ws) {
        return jdbc.sql("select count(*) from tasks where workspace_id = :ws")
                .param("ws", ws)
                .query(Long.class)
                .single();
    }

    List<Existing> existing(long ws, long boardId) {
        return jdbc.sql("""
                select id, column_id, title, metadata->>'original_id' as original_id from tasks
                where workspace_id = :ws and board_id = :board order by id
                """)
                .param("ws", ws)
                .param("board", boardId)
                .query((rs, n) -> new Existing(
                        rs.getLong("id"), rs.getLong("column_id"), rs.getString("title"), rs.getString("original_id")))
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
                       (select coalesce(json_object_agg(f.name, t.custom_fields -> f.id::text order by f.position, f.id),
                                        '{}')
                        from custom_fields f
                        where f.board_id = t.board_id and t.custom_fields -> f.id::text is not null)::text as fields,
                       array(select g.name from task_tags tt join tags g on g.id = tt.tag_id
                             where tt.task_id = t.id order by lower(g.name), g.id) as tags,
                       (select r.from_task_id from task_relations r where r.to_task_id = t.id and r.kind = 'parent') as parent_id,
                       array(select r.from_task_id from task_relations r where r.to_task_id = t.id and r.kind = 'blocks'
                             order by r.from_task_id) as blocked_by,
                       array(select i.text from checklist_items i where i.task_id = t.id
                             order by i.position, i.id) as checklist_texts,
                       array(select i.done from checklist_items i where i.task_id = t.id
                             order by i.position, i.id) as checklist_done
                from tasks t join board_columns c on c.id = t.column_id
                where t.workspace_id = :ws and t.board_id = :board and t.deleted_at is null
                order by c.position, t.position, t.id
                """)
                .param("ws", ws)
                .param("board", boardId)
                .query(this::exported)
                .list();
    }

    // ---- the workspace document (JsonExport / JsonImport) ----

    /**
     * A timestamp in the document's one format, written by SQL inside the JSON the database builds:
     * ISO-8601 in UTC with microseconds ({@code 2025-10-29T15:00:00.000000Z}), as {@link JsonExport#TIME} writes it.
     */
    static String ts(String column) {
        return "to_char(" + column + " at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
    }

    record WorkspaceRow(long id, String slug, String name) {}

    WorkspaceRow workspace(long ws) {
        return jdbc.sql("select id, slug, name from workspaces where id = :ws")
                .param("ws", ws)
                .query((rs, n) -> new WorkspaceRow(rs.getLong("id"), rs.getString("slug"), rs.getString("name")))
                .single();
    }

    /** Streams the rows of {@code sql} (bound to the workspace and {@code params}) to {@code handler}, a batch at a time. */
    void stream(String sql, Map<String, ?> params, RowCallbackHandler handler) {
        jdbc.sql(sql).params(params).withFetchSize(FETCH_SIZE).query(handler);
    }

    static final int FETCH_SIZE = 500;

    static final String TAGS_SQL = "select id, name, color, " + ts("created_at") + """
             as created_at from tags where workspace_id = :ws order by lower(name), id
            """;

    static final String BOARDS_SQL =
            "select id, name, description, version, created_by, " + ts("created_at") + " as created_at, "
                    + ts("updated_at") + """
             as updated_at,
                   (select coalesce(json_agg(json_build_object('id', c.id, 'name', c.name, 'position', c.position, 'kind', c.kind,
                           'wip_limit', c.wip_limit, 'created_at', """ + ts("c.created_at") + """
            ) order by c.position), '[]')
                    from board_columns c where c.board_id = b.id)::text as columns,
                   (select coalesce(json_agg(json_build_object('name', f.name, 'type', f.type, 'options', f.options,
                           'visible', f.visible, 'position', f.position) order by f.position, f.id), '[]')
                    from custom_fields f where f.board_id = b.id)::text as fields
            from boards b where workspace_id = :ws order by id
            """;

    /** A board's tasks in board order, each with its tags, comments and evidence (file contents in base64) as JSON. */
    static final String TASKS_SQL =
            "select t.id, t.column_id, t.position, t.title, t.description, t.acceptance_criteria, t.status,"
                    + " t.cancel_reason, t.priority, t.epic, t.area, t.owner, t.assignee, t.created_by, t.claimed_by, "
                    + ts("t.claim_expires_at") + " as claim_expires_at, " + ts("t.due_date")
                    + " as due_date, t.occurrence_count,"
                    + " t.metadata::text as metadata, t.version, " + ts("t.created_at") + " as created_at, "
                    + ts("t.updated_at")
                    + " as updated_at, " + ts("t.column_entered_at") + " as column_entered_at, " + ts("t.completed_at")
                    + " as completed_at, " + ts("t.archived_at") + " as archived_at, t.archived_by, "
                    + ts("t.deleted_at")
                    + """
             as deleted_at, t.deleted_by,
                   (select coalesce(json_object_agg(f.name, t.custom_fields -> f.id::text order by f.position, f.id),
                                    '{}')
                    from custom_fields f
                    where f.board_id = t.board_id and t.custom_fields -> f.id::text is not null)::text as fields,
                   array(select g.name from task_tags tt join tags g on g.id = tt.tag_id
                         where tt.task_id = t.id order by lower(g.name), g.id) as tags,
                   (select coalesce(json_agg(json_build_object('id', m.id, 'author', m.author, 'body', m.body,
                           'created_at', """ + ts("m.created_at") + ", 'updated_at', " + ts("m.updated_at") + """
            ) order by m.created_at, m.id), '[]')
                    from comments m where m.task_id = t.id)::text as comments,
                   (select coalesce(json_agg(json_build_object('id', e.id, 'kind', e.kind, 'note', e.note, 'url', e.url,
                           'measurement_value', e.measurement_value, 'measurement_unit', e.measurement_unit,
                           'filename', e.filename, 'content_type', e.content_type, 'size_bytes', e.size_bytes,
                           'sha256', e.sha256, 'latitude', e.latitude, 'longitude', e.longitude,
                           'captured_at', """ + ts("e.captured_at")
                    + ", 'created_by', e.created_by, 'created_at', "
                    + ts("e.created_at") + """
            , 'content_base64', translate(encode(e.content, 'base64'), chr(10), '')) order by e.created_at, e.id), '[]')
                    from evidence e where e.task_id = t.id)::text as evidence,
                   (select coalesce(json_agg(json_build_object('id', i.id, 'text', i.text, 'done', i.done,
                           'assignee', i.assignee, 'due_date', """ + ts("i.due_date") + ", 'created_by', i.created_by, 'created_at', "
                    + ts("i.created_at") + """
            ) order by i.position, i.id), '[]')
                    from checklist_items i where i.task_id = t.id)::text as checklist
            from tasks t join board_columns c on c.id = t.column_id
            where t.workspace_id = :ws and t.board_id = :board
            order by c.position, t.position, t.id
            """;

    /** The workspace's task relations (V20), by the exported task ids. */
    static final String RELATIONS_SQL = "select kind, from_task_id, to_task_id, created_by, " + ts("created_at") + """
             as created_at from task_relations where workspace_id = :ws order by id
            """;

    static final String HISTORY_SQL =
            "select id, board_id, task_id, action, field, old_value, new_value, actor, " + ts("occurred_at") + """
             as occurred_at from task_history where workspace_id = :ws order by id
            """;

    private ExportedTask exported(ResultSet rs, int n) throws SQLException {
        String[] tags = (String[]) rs.getArray("tags").getArray();
        String[] texts = (String[]) rs.getArray("checklist_texts").getArray();
        Boolean[] done = (Boolean[]) rs.getArray("checklist_done").getArray();
        List<TodoMarkdown.Check> checklist = new java.util.ArrayList<>(texts.length);
        for (int i = 0; i < texts.length; i++) {
            checklist.add(new TodoMarkdown.Check(texts[i], done[i]));
        }
        return new ExportedTask(
                rs.getLong("id"),
                rs.getLong("column_id"),
                rs.getString("column_name"),
                rs.getString("title"),
                rs.getString("description"),
                rs.getString("acceptance_criteria"),
                rs.getString("status"),
                rs.getString("cancel_reason"),
                rs.getString("priority"),
                rs.getString("epic"),
                rs.getString("area"),
                rs.getString("owner"),
                rs.getString("assignee"),
                instant(rs.getTimestamp("due_date")),
                rs.getInt("occurrence_count"),
                json.readValue(rs.getString("metadata"), MAP),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("completed_at")),
                Arrays.asList(tags),
                rs.getObject("parent_id", Long.class),
                Arrays.asList((Long[]) rs.getArray("blocked_by").getArray()),
                checklist,
                json.readValue(rs.getString("fields"), MAP));
    }

    static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    static OffsetDateTime timestamp(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
