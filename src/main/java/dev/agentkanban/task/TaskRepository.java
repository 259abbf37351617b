package dev.agentkanban.task;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** SQL of the task write side: rows, positions and neighbours. Every statement is workspace-scoped. */
@Repository
class TaskRepository {

    private static final String COLUMNS = """
            id, workspace_id, board_id, column_id, position, title, description, acceptance_criteria, status,
            cancel_reason, priority, epic, area, owner, assignee, created_by, claimed_by, claim_expires_at,
            due_date, occurrence_count, metadata::text as metadata, custom_fields::text as custom_fields, version
            """;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final SqlParameterValue NULL_TEXT = new SqlParameterValue(Types.VARCHAR, null);

    private final JdbcClient jdbc;
    private final JsonMapper json;

    TaskRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The task on its board (not archived, not in the trash: see {@link TaskArchive}). */
    Optional<Task> find(long ws, long id, boolean forUpdate) {
        return jdbc.sql("select " + COLUMNS
                        + " from tasks where workspace_id = :ws and id = :id and position is not null"
                        + (forUpdate ? " for update" : ""))
                .param("ws", ws)
                .param("id", id)
                .query(this::task)
                .optional();
    }

    /**
     * A task locked for a change, with what the rules ask about its relations, read under the lock in the
     * same round trip (V35's {@code lock_task_for_change}): whether an open task blocks it, whether it has
     * subtasks (open ones) and whether it blocks open tasks. {@code onBoard} is false for an archived task;
     * {@code assignee} is the name as it was locked (the task's own may change before it is saved).
     */
    record Locked(
            Task task,
            boolean onBoard,
            boolean blocked,
            boolean hasChildren,
            boolean openChildren,
            boolean openDependants,
            String assignee) {}

    /** Locks the task (on its board or archived, not in the trash) with its relation flags: empty when missing. */
    Optional<Locked> lock(long ws, long id) {
        return jdbc.sql("select " + COLUMNS + """
                        , position is not null as on_board, k.blocked, k.has_children, k.open_children,
                          k.open_dependants
                        from lock_task_for_change(:ws, :id) k cross join lateral (select (k.task).*) t
                        """)
                .param("ws", ws)
                .param("id", id)
                .query((rs, n) -> new Locked(
                        task(rs, n),
                        rs.getBoolean("on_board"),
                        rs.getBoolean("blocked"),
                        rs.getBoolean("has_children"),
                        rs.getBoolean("open_children"),
                        rs.getBoolean("open_dependants"),
                        rs.getString("assignee")))
                .optional();
    }

    /**
     * A write of one task row, its SQL without a {@code returning} clause and its parameters: run here,
     * or by {@link TaskQueries#written} with the task's view read back in the same statement.
     */
    record Write(String sql, Map<String, Object> params) {}

    long insert(Task t) {
        return insert(t.workspaceId(), RestoredTask.created(t));
    }

    /** Inserts a task with every column given; null times take the column defaults (now). */
    long insert(long workspaceId, RestoredTask t) {
        Write w = insertion(workspaceId, t);
        return jdbc.sql(w.sql() + " returning id")
                .params(w.params())
                .query(Long.class)
                .single();
    }

    Write insertion(Task t) {
        return insertion(t.workspaceId(), RestoredTask.created(t));
    }

    private Write insertion(long workspaceId, RestoredTask t) {
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("ws", workspaceId);
        p.put("board", t.boardId());
        p.put("column", t.columnId());
        p.put("position", t.position());
        p.put("title", t.title());
        p.put("description", text(t.description()));
        p.put("criteria", text(t.acceptanceCriteria()));
        p.put("status", t.status());
        p.put("cancelReason", text(t.cancelReason()));
        p.put("priority", t.priority());
        p.put("epic", text(t.epic()));
        p.put("area", text(t.area()));
        p.put("owner", text(t.owner()));
        p.put("assignee", text(t.assignee()));
        p.put("createdBy", t.createdBy());
        p.put("due", timestamp(t.dueDate()));
        p.put("occurrences", t.occurrenceCount());
        p.put("metadata", json.writeValueAsString(t.metadata() == null ? Map.of() : t.metadata()));
        p.put("createdAt", timestamp(t.createdAt()));
        p.put("completedAt", timestamp(t.completedAt()));
        p.put("enteredAt", timestamp(t.columnEnteredAt()));
        p.put("claimedBy", text(t.claimedBy()));
        p.put("claimExpires", timestamp(t.claimExpiresAt()));
        p.put("fields", json.writeValueAsString(t.customFields() == null ? Map.of() : t.customFields()));
        return new Write("""
                insert into tasks (workspace_id, board_id, column_id, position, title, description, acceptance_criteria,
                                   status, cancel_reason, priority, epic, area, owner, assignee, created_by, due_date,
                                   occurrence_count, metadata, created_at, completed_at, column_entered_at, claimed_by,
                                   claim_expires_at, custom_fields)
                values (:ws, :board, :column, :position, :title, :description, :criteria, :status, :cancelReason, :priority,
                        :epic, :area, :owner, :assignee, :createdBy, :due, :occurrences, cast(:metadata as jsonb), :createdAt,
                        :completedAt, :enteredAt, :claimedBy, :claimExpires, cast(:fields as jsonb))
                """, p);
    }

    /** A fresh id of the tasks identity that no row takes (for the restored trail of a task that no longer exists). */
    long reserveId() {
        return jdbc.sql("select nextval(pg_get_serial_sequence('tasks', 'id'))")
                .query(Long.class)
                .single();
    }

    /** Writes every mutable field; the triggers bump the version and keep the timestamps and the audit trail. */
    void update(Task t) {
        Write w = updating(t);
        if (jdbc.sql(w.sql()).params(w.params()).update() != 1) {
            throw new IllegalStateException("task " + t.id() + " vanished inside its own transaction");
        }
    }

    Write updating(Task t) {
        TaskContent c = t.content();
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("ws", t.workspaceId());
        p.put("id", t.id());
        p.put("column", t.columnId());
        p.put("position", t.position());
        p.put("title", c.title());
        p.put("description", text(c.description()));
        p.put("criteria", text(c.acceptanceCriteria()));
        p.put("status", t.status().toString());
        p.put("cancelReason", text(t.cancelReason()));
        p.put("priority", c.priority().toString());
        p.put("epic", text(c.epic()));
        p.put("area", text(c.area()));
        p.put("owner", text(c.owner() == null ? null : c.owner().toString()));
        p.put("assignee", text(c.assignee()));
        p.put("claimedBy", text(t.claimedBy()));
        p.put("claimExpires", timestamp(t.claimExpiresAt()));
        p.put("due", timestamp(c.dueDate()));
        p.put("occurrences", c.occurrenceCount());
        p.put("metadata", json.writeValueAsString(c.metadata()));
        p.put("fields", json.writeValueAsString(t.customFields()));
        return new Write("""
                update tasks set column_id = :column, position = :position, title = :title, description = :description,
                       acceptance_criteria = :criteria, status = :status, cancel_reason = :cancelReason,
                       priority = :priority, epic = :epic, area = :area, owner = :owner, assignee = :assignee,
                       claimed_by = :claimedBy, claim_expires_at = :claimExpires, due_date = :due,
                       occurrence_count = :occurrences, metadata = cast(:metadata as jsonb),
                       custom_fields = cast(:fields as jsonb)
                where workspace_id = :ws and id = :id
                """, p);
    }

    /**
     * Locks and returns the board's next claimable task (see {@code Tasks.claimNext}): never one with an
     * open blocker; most urgent first, then the one that blocks the most open tasks, then oldest. Rows
     * other transactions hold are skipped, not waited for; with {@code lock} false the same pick is only
     * read (is there a claimable task at all, held or not).
     */
    Optional<Long> nextClaimable(
            long ws,
            long boardId,
            String actor,
            Long columnId,
            Priority priority,
            String epic,
            String tag,
            boolean lock) {
        // nobody holds it (or the holder's lease ran out), and nobody else is assigned to it (a lapsed
        // holder's assignment was the claim's). In progress, it is a person's work unless an agent's claim
        // on it lapsed, or was released after its last change of status (a claim given back): then it is
        // back in the pool too
        StringBuilder sql = new StringBuilder("""
                select t.id from tasks t
                where t.workspace_id = :ws and t.board_id = :board and t.position is not null
                  and (t.claimed_by is null or t.claim_expires_at <= now())
                  and (t.assignee is null or t.assignee = :actor or t.assignee = t.claimed_by)
                  and (t.status = 'pending'
                       or (t.status = 'in_progress'
                           and (t.claimed_by is not null
                                or (select h.action from task_history h
                                    where h.task_id = t.id and h.field in ('claimed_by', 'status')
                                    order by h.id desc limit 1) = 'released')))
                """);
        Map<String, Object> params = new java.util.HashMap<>();
        params.put("ws", ws);
        params.put("board", boardId);
        params.put("actor", actor);
        if (columnId != null) {
            sql.append(" and t.column_id = :column");
            params.put("column", columnId);
        }
        if (priority != null) {
            sql.append(" and t.priority = :priority");
            params.put("priority", priority.toString());
        }
        if (epic != null) {
            sql.append(" and t.epic = :epic");
            params.put("epic", epic);
        }
        if (tag != null) {
            sql.append(" and exists (select 1 from task_tags tt join tags g on g.id = tt.tag_id"
                    + " where tt.task_id = t.id and lower(g.name) = lower(:tag))");
            params.put("tag", tag);
        }
        // never a blocked task; among equally urgent ones, first the task whose completion frees the most others
        sql.append(" and not ").append(TaskQueries.OPEN_BLOCKER).append("""

                order by priority_rank(t.priority) desc,
                         (select count(*) from task_relations dr join tasks dt on dt.id = dr.to_task_id
                          where dr.from_task_id = t.id and dr.kind = 'blocks'
                            and dt.status in ('pending', 'in_progress') and dt.deleted_at is null) desc,
                         t.created_at, t.id
                limit 1
                """);
        if (lock) {
            // no key update: a row held only for its key (an insert referencing the task) is not skipped
            sql.append("for no key update of t skip locked");
        }
        return jdbc.sql(sql.toString()).params(params).query(Long.class).optional();
    }

    /** Serialises reports of one issue title on one board until the transaction ends. */
    void lockIssueTitle(long boardId, String title) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:board || ':' || normalised_title(:title), 0))")
                .param("board", Long.toString(boardId))
                .param("title", title)
                .query((rs, n) -> 1)
                .single();
    }

    /** The board's task with the same normalised title: an open one first, else the most recently updated. */
    Optional<Task> findIssue(long ws, long boardId, String title) {
        return jdbc.sql("select " + COLUMNS + """
                from tasks
                where workspace_id = :ws and board_id = :board and normalised_title(title) = normalised_title(:title)
                  and position is not null
                order by (status in ('pending', 'in_progress')) desc, updated_at desc, id desc
                limit 1
                """)
                .param("ws", ws)
                .param("board", boardId)
                .param("title", title)
                .query(this::task)
                .optional();
    }

    /** A new version of the task for a change of a part its view shows (the trigger bumps it and updated_at). */
    void touch(long taskId) {
        jdbc.sql("update tasks set version = version + 1 where id = :id")
                .param("id", taskId)
                .update();
    }

    /** A history row for a change the audit trigger does not track, with the transaction's actor. */
    void recordChange(long taskId, String field, String oldValue, String newValue, String action) {
        jdbc.sql("select record_task_change(t, :field, :old, :new, :action) from tasks t where t.id = :id")
                .param("id", taskId)
                .param("field", field)
                .param("old", oldValue)
                .param("new", newValue)
                .param("action", action)
                .query((rs, n) -> 1)
                .list();
    }

    long countInColumn(long columnId) {
        return jdbc.sql("select count(*) from tasks where column_id = :c and position is not null")
                .param("c", columnId)
                .query(Long.class)
                .single();
    }

    /** Positions of up to two tasks of the column starting at {@code offset}, in order, leaving out one task. */
    List<Long> positionsFrom(long columnId, long excludeTaskId, long offset, int count) {
        return jdbc.sql("""
                select position from tasks where column_id = :c and id <> :self and position is not null
                order by position offset :offset limit :count
                """)
                .param("c", columnId)
                .param("self", excludeTaskId)
                .param("offset", offset)
                .param("count", count)
                .query(Long.class)
                .list();
    }

    /** The nearest position before ({@code before=true}) or after the given one in the column, leaving out one task. */
    Long neighbour(long columnId, long excludeTaskId, long position, boolean before) {
        String sql = before
                ? "select max(position) from tasks where column_id = :c and id <> :self and position < :p"
                : "select min(position) from tasks where column_id = :c and id <> :self and position > :p";
        return jdbc.sql(sql)
                .param("c", columnId)
                .param("self", excludeTaskId)
                .param("p", position)
                .query((rs, n) -> (Long) rs.getObject(1))
                .list()
                .getFirst();
    }

    /** The last position in the column, leaving out one task (null when there is none). */
    Long lastPosition(long columnId, long excludeTaskId) {
        return neighbour(columnId, excludeTaskId, Long.MAX_VALUE, true);
    }

    /** The first position in the column, leaving out one task (null when there is none). */
    Long firstPosition(long columnId, long excludeTaskId) {
        return neighbour(columnId, excludeTaskId, Long.MIN_VALUE, false);
    }

    /** Renumbers a column's tasks GAP apart in their current order (the caller holds the column lock). */
    void renumber(long columnId) {
        jdbc.sql("set constraints tasks_column_position_unique deferred").update();
        jdbc.sql("""
                update tasks t set position = s.rn * :gap
                from (select id, row_number() over (order by position) as rn from tasks
                      where column_id = :c and position is not null) s
                where t.id = s.id
                """).param("gap", Position.GAP).param("c", columnId).update();
        jdbc.sql("set constraints tasks_column_position_unique immediate").update();
    }

    private Task task(ResultSet rs, int n) throws SQLException {
        String owner = rs.getString("owner");
        TaskContent content = new TaskContent(
                rs.getString("title"),
                rs.getString("description"),
                rs.getString("acceptance_criteria"),
                Priority.fromWire(rs.getString("priority")),
                rs.getString("epic"),
                rs.getString("area"),
                owner == null ? null : Owner.valueOf(owner.toUpperCase()),
                rs.getString("assignee"),
                instant(rs.getTimestamp("due_date")),
                rs.getInt("occurrence_count"),
                json.readValue(rs.getString("metadata"), MAP));
        Task t = new Task(
                rs.getLong("id"),
                rs.getLong("workspace_id"),
                new TaskPlacement(rs.getLong("board_id"), rs.getLong("column_id"), rs.getLong("position")),
                content,
                TaskStatus.fromWire(rs.getString("status")),
                rs.getString("cancel_reason"),
                rs.getString("created_by"),
                rs.getString("claimed_by"),
                instant(rs.getTimestamp("claim_expires_at")),
                rs.getLong("version"));
        t.setCustomFields(json.readValue(rs.getString("custom_fields"), MAP));
        return t;
    }

    static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    /**
     * A time as a statement parameter. A {@code java.sql.Timestamp} goes out without a type (the server
     * takes the column's), as a null does: the statement's parameter types stay the same whether the time
     * is set or not, so the driver keeps the statement it prepared. (An {@code OffsetDateTime} goes out as
     * {@code timestamptz} and a null without a type: each time the two alternate, the driver prepares the
     * statement again and PostgreSQL plans it again, about 5 ms for a task write answering its view.)
     */
    static Timestamp timestamp(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    /** A nullable text parameter: a null goes out as varchar, as a set one does (see {@link #timestamp}). */
    static Object text(String s) {
        return s != null ? s : NULL_TEXT;
    }
}
