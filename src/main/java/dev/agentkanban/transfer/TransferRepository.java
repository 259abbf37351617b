package dev.agentkanban.transfer;

import dev.agentkanban.task.RestoredTask;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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

    /**
     * Makes the workspace's imports take turns until the caller's transaction ends: a second run of the
     * same file started while the first runs then finds its tasks (a second run adds nothing) instead of
     * adding them again beside it, and a restore finds the workspace no longer empty.
     */
    void takeImportTurn(long workspaceId) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('kanban.import:' || :ws, 0))")
                .param("ws", workspaceId)
                .query((rs, n) -> 1)
                .list();
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

    // ---- a chunk of an import's new tasks, a statement per kind of row (ImportedTasks.Batch) ----
    // The same rows, triggers and history as the one-row writes of the features (Tasks.restore,
    // Tags.setByNames, Comments.restore + HistoryLog, Evidences.restore + HistoryLog, Checklists.restore,
    // TaskArchive.hideRestored), for a chunk of tasks at once: arrays bound as parameters and unnested.

    /** Inserts the tasks in their order; answers their new ids in that order. */
    List<Long> insertTasks(long ws, List<RestoredTask> tasks) {
        int n = tasks.size();
        Long[] board = new Long[n], column = new Long[n], position = new Long[n];
        Integer[] occurrences = new Integer[n];
        String[] title = new String[n],
                description = new String[n],
                criteria = new String[n],
                status = new String[n],
                cancel = new String[n],
                priority = new String[n],
                epic = new String[n],
                area = new String[n],
                owner = new String[n],
                assignee = new String[n],
                createdBy = new String[n],
                due = new String[n],
                metadata = new String[n],
                createdAt = new String[n],
                completedAt = new String[n],
                enteredAt = new String[n],
                claimedBy = new String[n],
                claimExpires = new String[n],
                fields = new String[n];
        for (int i = 0; i < n; i++) {
            RestoredTask t = tasks.get(i);
            board[i] = t.boardId();
            column[i] = t.columnId();
            position[i] = t.position();
            title[i] = t.title();
            description[i] = t.description();
            criteria[i] = t.acceptanceCriteria();
            status[i] = t.status();
            cancel[i] = t.cancelReason();
            priority[i] = t.priority();
            epic[i] = t.epic();
            area[i] = t.area();
            owner[i] = t.owner();
            assignee[i] = t.assignee();
            createdBy[i] = t.createdBy();
            due[i] = text(t.dueDate());
            occurrences[i] = t.occurrenceCount();
            metadata[i] = json.writeValueAsString(t.metadata() == null ? Map.of() : t.metadata());
            createdAt[i] = text(t.createdAt());
            completedAt[i] = text(t.completedAt());
            enteredAt[i] = text(t.columnEnteredAt());
            claimedBy[i] = t.claimedBy();
            claimExpires[i] = text(t.claimExpiresAt());
            fields[i] = json.writeValueAsString(t.customFields() == null ? Map.of() : t.customFields());
        }
        // identities are drawn in the order the rows are inserted (the select's order): sorted, they are the
        // ids of the tasks as given, whatever order returning answers them in
        List<Long> ids = new ArrayList<>(jdbc.sql("""
                        insert into tasks (workspace_id, board_id, column_id, position, title, description,
                                           acceptance_criteria, status, cancel_reason, priority, epic, area, owner,
                                           assignee, created_by, due_date, occurrence_count, metadata, created_at,
                                           completed_at, column_entered_at, claimed_by, claim_expires_at, custom_fields)
                        select :ws, x.board, x.col, x.pos, x.title, x.description, x.criteria, x.status, x.cancel,
                               x.priority, x.epic, x.area, x.owner, x.assignee, x.created_by, cast(x.due as timestamptz),
                               x.occurrences, cast(x.metadata as jsonb), cast(x.created_at as timestamptz),
                               cast(x.completed_at as timestamptz), cast(x.entered_at as timestamptz), x.claimed_by,
                               cast(x.claim_expires as timestamptz), cast(x.fields as jsonb)
                        from unnest(cast(:board as bigint[]), cast(:col as bigint[]), cast(:pos as bigint[]),
                                    cast(:title as text[]), cast(:description as text[]), cast(:criteria as text[]),
                                    cast(:status as text[]), cast(:cancel as text[]), cast(:priority as text[]),
                                    cast(:epic as text[]), cast(:area as text[]), cast(:owner as text[]),
                                    cast(:assignee as text[]), cast(:createdBy as text[]), cast(:due as text[]),
                                    cast(:occurrences as integer[]), cast(:metadata as text[]),
                                    cast(:createdAt as text[]), cast(:completedAt as text[]), cast(:enteredAt as text[]),
                                    cast(:claimedBy as text[]), cast(:claimExpires as text[]), cast(:fields as text[]))
                             with ordinality as x(board, col, pos, title, description, criteria, status, cancel,
                                                  priority, epic, area, owner, assignee, created_by, due, occurrences,
                                                  metadata, created_at, completed_at, entered_at, claimed_by,
                                                  claim_expires, fields, ord)
                        order by x.ord
                        returning id
                        """)
                .param("ws", ws)
                .param("board", board)
                .param("col", column)
                .param("pos", position)
                .param("title", title)
                .param("description", description)
                .param("criteria", criteria)
                .param("status", status)
                .param("cancel", cancel)
                .param("priority", priority)
                .param("epic", epic)
                .param("area", area)
                .param("owner", owner)
                .param("assignee", assignee)
                .param("createdBy", createdBy)
                .param("due", due)
                .param("occurrences", occurrences)
                .param("metadata", metadata)
                .param("createdAt", createdAt)
                .param("completedAt", completedAt)
                .param("enteredAt", enteredAt)
                .param("claimedBy", claimedBy)
                .param("claimExpires", claimExpires)
                .param("fields", fields)
                .query(Long.class)
                .list());
        if (ids.size() != n) {
            throw new IllegalStateException("inserted " + ids.size() + " of " + n + " tasks");
        }
        ids.sort(null);
        return ids;
    }

    /** Archives restored tasks (off the board, no position) at their times: the audit trigger writes their rows. */
    void archive(long ws, List<Long> ids, List<Instant> at, String by) {
        jdbc.sql("""
                update tasks t set archived_at = cast(x.at as timestamptz), archived_by = :by, deleted_at = null,
                                   deleted_by = null, position = null
                from unnest(cast(:ids as bigint[]), cast(:at as text[])) as x(id, at)
                where t.workspace_id = :ws and t.id = x.id
                """)
                .param("ws", ws)
                .param("ids", ids.toArray(Long[]::new))
                .param("at", at.stream().map(TransferRepository::text).toArray(String[]::new))
                .param("by", by)
                .update();
    }

    /** Tags new tasks (pairs of task and tag ids) and writes each task's tags_changed row (from none to its tags). */
    void tag(long ws, List<Long> tasks, List<Long> tags, String actor) {
        jdbc.sql("""
                with pairs as (
                    select distinct x.task, x.tag from unnest(cast(:tasks as bigint[]), cast(:tags as bigint[])) as x(task, tag)
                ), linked as (
                    insert into task_tags (task_id, tag_id, workspace_id)
                    select p.task, p.tag, :ws from pairs p
                    on conflict do nothing
                )
                insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor)
                select :ws, t.board_id, t.id, 'tags_changed', 'tags', '',
                       string_agg(g.name, ',' order by lower(g.name), g.id), :actor
                from pairs p join tasks t on t.id = p.task join tags g on g.id = p.tag
                where t.workspace_id = :ws and g.workspace_id = :ws
                group by t.id, t.board_id
                order by t.id
                """)
                .param("ws", ws)
                .param("tasks", tasks.toArray(Long[]::new))
                .param("tags", tags.toArray(Long[]::new))
                .param("actor", actor)
                .update();
    }

    /** A comment of a new task, as it was elsewhere (author and time kept; a null time is now). */
    record NewComment(long taskId, String author, String body, Instant at) {}

    /** Inserts the comments in order, each with its comment_added history row. */
    void comment(long ws, List<NewComment> comments, String actor) {
        jdbc.sql("""
                with c as (
                    insert into comments (workspace_id, task_id, author, body, created_at, updated_at)
                    select :ws, x.task, x.author, x.body, coalesce(cast(x.at as timestamptz), now()),
                           coalesce(cast(x.at as timestamptz), now())
                    from unnest(cast(:tasks as bigint[]), cast(:authors as text[]), cast(:bodies as text[]),
                                cast(:at as text[])) with ordinality as x(task, author, body, at, ord)
                    order by x.ord
                    returning id, task_id
                )
                insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor)
                select :ws, t.board_id, c.task_id, 'comment_added', null, null, c.id::text, :actor
                from c join tasks t on t.id = c.task_id
                order by c.id
                """)
                .param("ws", ws)
                .param("tasks", comments.stream().map(NewComment::taskId).toArray(Long[]::new))
                .param("authors", comments.stream().map(NewComment::author).toArray(String[]::new))
                .param("bodies", comments.stream().map(NewComment::body).toArray(String[]::new))
                .param("at", comments.stream().map(c -> text(c.at())).toArray(String[]::new))
                .param("actor", actor)
                .update();
    }

    /** Link evidence of a new task (a null time is now). */
    record NewLink(long taskId, String note, String url, String createdBy, Instant at) {}

    /** Inserts the link evidence in order, each with its evidence_added history row. */
    void link(long ws, List<NewLink> links, String actor) {
        jdbc.sql("""
                with e as (
                    insert into evidence (workspace_id, task_id, kind, note, url, created_by, created_at)
                    select :ws, x.task, 'link', x.note, x.url, x.by, coalesce(cast(x.at as timestamptz), now())
                    from unnest(cast(:tasks as bigint[]), cast(:notes as text[]), cast(:urls as text[]),
                                cast(:by as text[]), cast(:at as text[])) with ordinality as x(task, note, url, by, at, ord)
                    order by x.ord
                    returning id, task_id
                )
                insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor)
                select :ws, t.board_id, e.task_id, 'evidence_added', null, null, e.id::text, :actor
                from e join tasks t on t.id = e.task_id
                order by e.id
                """)
                .param("ws", ws)
                .param("tasks", links.stream().map(NewLink::taskId).toArray(Long[]::new))
                .param("notes", links.stream().map(NewLink::note).toArray(String[]::new))
                .param("urls", links.stream().map(NewLink::url).toArray(String[]::new))
                .param("by", links.stream().map(NewLink::createdBy).toArray(String[]::new))
                .param("at", links.stream().map(l -> text(l.at())).toArray(String[]::new))
                .param("actor", actor)
                .update();
    }

    /** A checklist item of a new task (no history row or event of its own, as Checklists.restore). */
    record NewItem(long taskId, long position, String text, boolean done, String createdBy) {}

    void items(long ws, List<NewItem> items) {
        jdbc.sql("""
                insert into checklist_items (workspace_id, task_id, position, text, done, assignee, due_date, created_by,
                                             created_at)
                select :ws, x.task, x.pos, x.text, x.done, null, null, x.by, now()
                from unnest(cast(:tasks as bigint[]), cast(:pos as bigint[]), cast(:texts as text[]),
                            cast(:done as boolean[]), cast(:by as text[])) with ordinality as x(task, pos, text, done, by, ord)
                order by x.ord
                """)
                .param("ws", ws)
                .param("tasks", items.stream().map(NewItem::taskId).toArray(Long[]::new))
                .param("pos", items.stream().map(NewItem::position).toArray(Long[]::new))
                .param("texts", items.stream().map(NewItem::text).toArray(String[]::new))
                .param("done", items.stream().map(NewItem::done).toArray(Boolean[]::new))
                .param("by", items.stream().map(NewItem::createdBy).toArray(String[]::new))
                .update();
    }

    /** An instant as PostgreSQL reads a timestamptz (ISO-8601 in UTC), or null. */
    private static String text(Instant i) {
        return i == null ? null : i.toString();
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
