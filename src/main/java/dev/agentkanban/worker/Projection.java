package dev.agentkanban.worker;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The worker database's view of the API: the feed cursor and the projection of columns and tasks,
 * built from the events' data (event-carried state). Applying a page of events, creating the jobs
 * they call for and advancing the cursor is one transaction, guarded by compare-and-set on the cursor,
 * so several workers can follow the feed and each event is applied once.
 */
class Projection {

    /** Events after which the task is analysed again. Claims and completions change nothing the agents look at. */
    static final Set<String> ANALYSED = Set.of("task_created", "task_updated", "task_moved");

    private static final Set<String> TASK_STATE =
            Set.of("task_created", "task_updated", "task_moved", "task_claimed", "task_released", "task_completed");
    static final String TASK_COLUMNS = """
            id, board_id, column_id, title, description, acceptance_criteria, status, priority, epic, tags, version, updated_at""";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    Projection(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    long cursor() {
        return jdbc.sql("select position from feed_cursor").query(Long.class).single();
    }

    /**
     * Applies {@code events} (read after cursor {@code from}) and moves the cursor to {@code next}, with
     * one job per analysed event and agent; false, changing nothing, when another worker moved the
     * cursor meanwhile. Returns the number of jobs created.
     */
    Optional<Integer> ingest(long from, long next, List<JsonNode> events, List<String> agents) {
        return tx.execute(status -> {
            long current = jdbc.sql("select position from feed_cursor for update")
                    .query(Long.class)
                    .single();
            if (current != from) {
                return Optional.<Integer>empty();
            }
            int jobs = 0;
            for (JsonNode event : events) {
                jobs += apply(event, agents);
            }
            jdbc.sql("update feed_cursor set position = :next, updated_at = now()")
                    .param("next", next)
                    .update();
            return Optional.of(jobs);
        });
    }

    /** Sets the cursor (after the API said the old one points into deleted events). */
    void resetCursor(long position) {
        jdbc.sql("update feed_cursor set position = :p, updated_at = now()")
                .param("p", position)
                .update();
    }

    private int apply(JsonNode event, List<String> agents) {
        long eventId = event.get("event_id").asLong();
        String type = event.get("type").asString();
        JsonNode data = event.get("data");
        if (data == null || data.isNull()) {
            return 0;
        }
        switch (type) {
            case "board_created", "board_updated" ->
                replaceColumns(data.get("id").asLong(), data.get("columns"));
            case "columns_updated" -> replaceColumns(data.get("board_id").asLong(), data.get("columns"));
            case "board_deleted" -> {
                long board = data.get("id").asLong();
                jdbc.sql("delete from worker_columns where board_id = :b")
                        .param("b", board)
                        .update();
                jdbc.sql("delete from worker_tasks where board_id = :b")
                        .param("b", board)
                        .update();
            }
            case "task_deleted" ->
                jdbc.sql("delete from worker_tasks where id = :id")
                        .param("id", data.get("task").get("id").asLong())
                        .update();
            case "tags_changed" ->
                jdbc.sql("update worker_tasks set tags = cast(:tags as text[]) where id = :id")
                        .param("id", data.get("task_id").asLong())
                        .param("tags", textArray(names(data.get("tags"))))
                        .update();
            case "tag_updated", "tag_deleted" -> retag(data, type.equals("tag_deleted"), eventId);
            default -> {
                if (TASK_STATE.contains(type) && data.hasNonNull("task")) {
                    JsonNode task = data.get("task");
                    upsertTask(task, eventId);
                    String status = task.get("status").asString();
                    boolean open = status.equals("pending") || status.equals("in_progress");
                    if (ANALYSED.contains(type) && open) {
                        return createJobs(eventId, type, task.get("id").asLong(), agents);
                    }
                }
            }
        }
        return 0;
    }

    private int createJobs(long eventId, String type, long taskId, List<String> agents) {
        int created = 0;
        for (String agent : agents) {
            created += jdbc.sql("""
                    insert into agent_processing_jobs (event_id, event_type, task_id, agent) values (:event, :type, :task, :agent)
                    on conflict (event_id, agent) do nothing
                    """)
                    .param("event", eventId)
                    .param("type", type)
                    .param("task", taskId)
                    .param("agent", agent)
                    .update();
        }
        return created;
    }

    private void replaceColumns(long boardId, JsonNode columns) {
        if (columns == null || !columns.isArray()) {
            return;
        }
        jdbc.sql("delete from worker_columns where board_id = :b")
                .param("b", boardId)
                .update();
        for (JsonNode c : columns) {
            jdbc.sql("""
                    insert into worker_columns (id, board_id, name, kind, position, wip_limit)
                    values (:id, :board, :name, :kind, :position, :wip)
                    on conflict (id) do update set board_id = excluded.board_id, name = excluded.name, kind = excluded.kind,
                        position = excluded.position, wip_limit = excluded.wip_limit
                    """)
                    .param("id", c.get("id").asLong())
                    .param("board", boardId)
                    .param("name", c.get("name").asString())
                    .param("kind", c.path("kind").asString("todo"))
                    .param("position", c.path("position").asInt(0))
                    .param("wip", c.hasNonNull("wip_limit") ? c.get("wip_limit").asInt() : null)
                    .update();
        }
    }

    /**
     * A tag renamed (its {@code previous} name replaced by its name) or deleted (its name removed) on the
     * tasks the event lists, each at its new version, unless a newer event has been applied to it already.
     */
    private void retag(JsonNode data, boolean deleted, long eventId) {
        JsonNode tasks = data.get("tasks");
        String name = data.path("name").asString();
        String previous = deleted ? name : data.path("previous").path("name").asString(name);
        if (tasks == null || !tasks.isArray() || tasks.isEmpty()) {
            return;
        }
        List<Long> ids = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        tasks.forEach(t -> {
            ids.add(t.get("id").asLong());
            versions.add(t.get("version").asLong());
        });
        jdbc.sql("""
                update worker_tasks w
                set tags = case when :deleted then array_remove(w.tags, :previous) else array_replace(w.tags, :previous, :name) end,
                    version = x.version, last_event_id = :event
                from unnest(cast(:ids as bigint[]), cast(:versions as bigint[])) as x(id, version)
                where w.id = x.id and w.last_event_id < :event
                """)
                .param("deleted", deleted)
                .param("previous", previous)
                .param("name", name)
                .param("ids", ids.toArray(Long[]::new))
                .param("versions", versions.toArray(Long[]::new))
                .param("event", eventId)
                .update();
    }

    /** Writes the task as the event carries it, unless a newer event has been applied to it already. */
    private void upsertTask(JsonNode t, long eventId) {
        jdbc.sql("""
                insert into worker_tasks (id, board_id, column_id, title, description, acceptance_criteria, status, priority,
                                          epic, tags, version, updated_at, last_event_id)
                values (:id, :board, :column, :title, :description, :criteria, :status, :priority, :epic, cast(:tags as text[]),
                        :version, :updated, :event)
                on conflict (id) do update set board_id = excluded.board_id, column_id = excluded.column_id,
                    title = excluded.title, description = excluded.description,
                    acceptance_criteria = excluded.acceptance_criteria, status = excluded.status,
                    priority = excluded.priority, epic = excluded.epic, tags = excluded.tags, version = excluded.version,
                    updated_at = excluded.updated_at, last_event_id = excluded.last_event_id
                where worker_tasks.last_event_id < excluded.last_event_id
                """)
                .param("id", t.get("id").asLong())
                .param("board", t.get("board_id").asLong())
                .param("column", t.get("column_id").asLong())
                .param("title", t.get("title").asString())
                .param("description", text(t, "description"))
                .param("criteria", text(t, "acceptance_criteria"))
                .param("status", t.get("status").asString())
                .param("priority", t.get("priority").asString())
                .param("epic", text(t, "epic"))
                .param("tags", textArray(names(t.get("tags"))))
                .param("version", t.path("version").asLong(1))
                .param("updated", OffsetDateTime.parse(t.get("updated_at").asString()))
                .param("event", eventId)
                .update();
    }

    // ---- what the agents see ----

    Optional<WorkerTask> task(long id) {
        return jdbc.sql("select " + TASK_COLUMNS + " from worker_tasks where id = :id")
                .param("id", id)
                .query(Projection::task)
                .optional();
    }

    /** The subject of an analysis: the task as projected now, and its board around it. */
    Optional<Agent.Subject> subject(long taskId, Instant now) {
        return task(taskId).map(task -> new Agent.Subject() {
            @Override
            public WorkerTask task() {
                return task;
            }

            @Override
            public Instant now() {
                return now;
            }

            @Override
            public List<WorkerTask> olderWithSameTitle() {
                return jdbc.sql("select " + TASK_COLUMNS + """
                         from worker_tasks
                        where board_id = :board and id < :id and status in ('pending', 'in_progress')
                          and normalised_title = (select normalised_title from worker_tasks where id = :id)
                        order by id
                        """)
                        .param("board", task.boardId())
                        .param("id", task.id())
                        .query(Projection::task)
                        .list();
            }

            @Override
            public Optional<Agent.ColumnLoad> column() {
                return jdbc.sql("""
                        select c.id, c.name, c.kind, c.wip_limit, (select count(*) from worker_tasks t where t.column_id = c.id)
                        from worker_columns c where c.id = :column
                        """)
                        .param("column", task.columnId())
                        .query((rs, n) -> new Agent.ColumnLoad(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getString(3),
                                (Integer) rs.getObject(4),
                                rs.getLong(5)))
                        .optional();
            }
        });
    }

    /** Ids of tasks in progress that nobody changed since {@code before}. */
    List<Long> inProgressSince(Instant before) {
        return jdbc.sql("select id from worker_tasks where status = 'in_progress' and updated_at < :before order by id")
                .param("before", OffsetDateTime.ofInstant(before, java.time.ZoneOffset.UTC))
                .query(Long.class)
                .list();
    }

    static WorkerTask task(ResultSet rs, int n) throws SQLException {
        Array tags = rs.getArray("tags");
        return new WorkerTask(
                rs.getLong("id"),
                rs.getLong("board_id"),
                rs.getLong("column_id"),
                rs.getString("title"),
                rs.getString("description"),
                rs.getString("acceptance_criteria"),
                rs.getString("status"),
                rs.getString("priority"),
                rs.getString("epic"),
                tags == null ? List.of() : Arrays.asList((String[]) tags.getArray()),
                rs.getLong("version"),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    private static List<String> names(JsonNode tags) {
        List<String> names = new ArrayList<>();
        if (tags != null && tags.isArray()) {
            tags.forEach(
                    t -> names.add(t.isString() ? t.asString() : t.path("name").asString()));
        }
        return names;
    }

    /** A PostgreSQL array literal of the strings ({@code {"a","b"}}), quoted so any name survives. */
    static String textArray(List<String> values) {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            s.append(i == 0 ? "" : ",")
                    .append('"')
                    .append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return s.append('}').toString();
    }
}
