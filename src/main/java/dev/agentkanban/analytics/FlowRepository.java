package dev.agentkanban.analytics;

import dev.agentkanban.board.ColumnKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads the flow rows of the audit trail (creations, column moves, status changes, deletions) and the
 * tasks' current state. Callers have checked the board; every statement is bounded by the workspace.
 */
@Repository
class FlowRepository {

    /** One flow row: {@code columnId} is the task's column after the change (null when unknown). */
    record FlowRow(
            long taskId, long boardId, String action, String oldValue, String newValue, Long columnId, Instant at) {}

    /** What the tasks table says now about a task that still exists. */
    record TaskNow(
            long id,
            String title,
            long columnId,
            String status,
            Instant createdAt,
            Instant completedAt,
            boolean archived) {}

    /** A column of the workspace, possibly of another board. */
    record ColumnInfo(long id, long boardId, String name, ColumnKind kind, int position) {}

    private static final String FLOW_ROWS = """
            select h.task_id, h.board_id, h.action, h.old_value, h.new_value, h.occurred_at,
                   coalesce(h.column_id, case when h.action = 'moved' and h.new_value ~ '^[0-9]{1,18}$'
                                              then h.new_value::bigint end) as column_id
            from task_history h
            where h.workspace_id = :ws and h.task_id in (%s)
              and (h.action in ('created', 'deleted', 'restored', 'purged', 'status_changed')
                   or (h.action = 'moved' and h.field = 'column'))
            order by h.task_id, h.occurred_at, h.id
            """;

    private final JdbcClient jdbc;

    FlowRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The ids (SQL) of the tasks that have ever been on the board and match the filter. */
    private static String boardTasks(FlowFilter f) {
        StringBuilder sql = new StringBuilder("""
                select distinct b.task_id from task_history b
                where b.workspace_id = :ws and b.board_id = :board
                  and b.action in ('created', 'moved', 'status_changed', 'deleted', 'restored', 'purged')""");
        if (!f.isEmpty()) {
            // tasks in the trash keep their attributes and count on the days they were on the board, as in
            // the unfiltered view; purged tasks have none left and drop out
            sql.append(" and b.task_id in (select t.id from tasks t where t.workspace_id = :ws");
            if (f.epic() != null) {
                sql.append(" and t.epic = :epic");
            }
            if (f.assignee() != null) {
                // the free-text name or a member assignee (V31), as the task list's filter
                sql.append(" and (t.assignee = :assignee or t.id in (select a.task_id from task_assignees a"
                        + " join users u on u.id = a.user_id"
                        + " where lower(u.username) = lower(:assignee) and a.workspace_id = t.workspace_id))");
            }
            if (f.tag() != null) {
                sql.append(" and exists (select 1 from task_tags tt join tags g on g.id = tt.tag_id"
                        + " where tt.task_id = t.id and lower(g.name) = lower(:tag))");
            }
            sql.append(')');
        }
        return sql.toString();
    }

    private static Map<String, Object> params(long ws, long boardId, FlowFilter f) {
        Map<String, Object> p = new HashMap<>();
        p.put("ws", ws);
        p.put("board", boardId);
        if (f.epic() != null) {
            p.put("epic", f.epic());
        }
        if (f.assignee() != null) {
            // "me" is the caller, as in the task list's filter
            p.put(
                    "assignee",
                    "me".equalsIgnoreCase(f.assignee().trim())
                            ? dev.agentkanban.identity.CurrentRequest.get().actor()
                            : f.assignee().trim());
        }
        if (f.tag() != null) {
            p.put("tag", f.tag());
        }
        return p;
    }

    /** Flow rows of the board's (filtered) tasks, each task's rows together and in order. */
    List<FlowRow> boardRows(long ws, long boardId, FlowFilter f) {
        return jdbc.sql(FLOW_ROWS.formatted(boardTasks(f)))
                .params(params(ws, boardId, f))
                .query(FlowRepository::row)
                .list();
    }

    /** The current state of the board's (filtered) tasks that still exist. */
    Map<Long, TaskNow> boardTasksNow(long ws, long boardId, FlowFilter f) {
        Map<Long, TaskNow> out = new HashMap<>();
        jdbc.sql(
                        "select id, title, column_id, status, created_at, completed_at, archived_at is not null as archived from tasks where workspace_id = :ws and id in ("
                                + boardTasks(f) + ")")
                .params(params(ws, boardId, f))
                .query(FlowRepository::taskNow)
                .list()
                .forEach(t -> out.put(t.id(), t));
        return out;
    }

    List<FlowRow> taskRows(long ws, long taskId) {
        return jdbc.sql(FLOW_ROWS.formatted(":task"))
                .param("ws", ws)
                .param("task", taskId)
                .query(FlowRepository::row)
                .list();
    }

    List<TaskNow> taskNow(long ws, long taskId) {
        return jdbc.sql(
                        "select id, title, column_id, status, created_at, completed_at, archived_at is not null as archived from tasks where workspace_id = :ws and id = :task")
                .param("ws", ws)
                .param("task", taskId)
                .query(FlowRepository::taskNow)
                .list();
    }

    /** Every column of the workspace by id (a task may have moved between boards). */
    Map<Long, ColumnInfo> columns(long ws) {
        Map<Long, ColumnInfo> out = new LinkedHashMap<>();
        jdbc.sql(
                        "select id, board_id, name, kind, position from board_columns where workspace_id = :ws order by board_id, position")
                .param("ws", ws)
                .query((rs, n) -> new ColumnInfo(
                        rs.getLong("id"),
                        rs.getLong("board_id"),
                        rs.getString("name"),
                        ColumnKind.fromWire(rs.getString("kind")),
                        rs.getInt("position")))
                .list()
                .forEach(c -> out.put(c.id(), c));
        return out;
    }

    /** Groups flow rows by task, keeping each task's order. */
    static Map<Long, List<FlowRow>> byTask(List<FlowRow> rows) {
        Map<Long, List<FlowRow>> out = new LinkedHashMap<>();
        for (FlowRow r : rows) {
            out.computeIfAbsent(r.taskId(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    // ---- the kept figures (V30__flow_figures.sql): exact, maintained with every history write ----

    /** A counter row: {@code delta} tasks entered (positive) or left (negative) the column at {@code key}. */
    record Delta<K>(K key, long columnId, long delta) {}

    /** A completed task as the kept figures have it. */
    record Completion(long taskId, String title, Instant createdAt, Instant startedAt, Instant completedAt) {}

    /** An open task now in an in-progress column of the board. */
    record Open(long taskId, String title, long columnId, String column, Instant startedAt, Instant enteredAt) {}

    /**
     * The columns in which the board's tasks have stayed, each with the first task (and its span) that
     * did: a loose index scan over {@code flow_spans_board_column_idx}, one probe per column.
     */
    List<long[]> spanColumns(long ws, long boardId) {
        return jdbc.sql("""
                with recursive c(column_id) as (
                    (select column_id from flow_spans where workspace_id = :ws and board_id = :board
                     order by column_id limit 1)
                    union all
                    select (select s.column_id from flow_spans s
                            where s.workspace_id = :ws and s.board_id = :board and s.column_id > c.column_id
                            order by s.column_id limit 1)
                    from c where c.column_id is not null
                )
                select c.column_id, f.task_id, f.ord from c
                cross join lateral (select s.task_id, s.ord from flow_spans s
                                    where s.board_id = :board and s.column_id = c.column_id
                                    order by s.task_id, s.ord limit 1) f
                where c.column_id is not null
                """)
                .param("ws", ws)
                .param("board", boardId)
                .query((rs, n) -> new long[] {rs.getLong("column_id"), rs.getLong("task_id"), rs.getLong("ord")})
                .list();
    }

    /** Per UTC day up to {@code last}, the net entries per column of the board, oldest first. */
    List<Delta<LocalDate>> dailyDeltas(long ws, long boardId, LocalDate last) {
        return jdbc.sql("""
                select day, column_id, sum(delta) as delta from flow_counts_daily
                where workspace_id = :ws and board_id = :board and day <= :last
                group by day, column_id order by day
                """)
                .param("ws", ws)
                .param("board", boardId)
                .param("last", last)
                .query((rs, n) ->
                        new Delta<>(rs.getObject("day", LocalDate.class), rs.getLong("column_id"), rs.getLong("delta")))
                .list();
    }

    /**
     * For each window {@code [from[i], to[i])} (15-minute aligned), the net entries per column of the
     * board in it, keyed by the window's end.
     */
    List<Delta<Instant>> windowDeltas(long ws, long boardId, List<Instant> from, List<Instant> to) {
        return jdbc.sql("""
                select w.hi, c.column_id, sum(c.delta) as delta
                from unnest(cast(:from as timestamptz[]), cast(:to as timestamptz[])) as w(lo, hi)
                join flow_counts c on c.board_id = :board and c.bucket >= w.lo and c.bucket < w.hi
                where c.workspace_id = :ws
                group by w.hi, c.column_id
                """)
                .param("ws", ws)
                .param("board", boardId)
                .param("from", pgArray(from))
                .param("to", pgArray(to))
                .query((rs, n) -> new Delta<>(instant(rs, "hi"), rs.getLong("column_id"), rs.getLong("delta")))
                .list();
    }

    private static String pgArray(List<Instant> instants) {
        StringBuilder sb = new StringBuilder("{");
        for (Instant i : instants) {
            sb.append(sb.length() > 1 ? "," : "").append('"').append(i).append('"');
        }
        return sb.append('}').toString();
    }

    /** Tasks completed in {@code [start, end)} while on the board, by completion then id. */
    List<Completion> completions(long ws, long boardId, Instant start, Instant end, boolean titles, boolean trashed) {
        String title = titles
                ? "(select t.title from tasks t where t.workspace_id = f.workspace_id and t.id = f.task_id)"
                : "null";
        return jdbc.sql("select f.task_id, " + title + """
                 as title, f.created_at, f.started_at, f.completed_at
                from flow_tasks f
                where f.completed_board = :board and f.completed_at >= :start and f.completed_at < :end
                  and f.completed_at is not null and f.workspace_id = :ws
                  and (f.deleted_at is null or :trashed)
                order by f.completed_at, f.task_id
                """)
                .param("trashed", trashed)
                .param("ws", ws)
                .param("board", boardId)
                .param("start", start.atOffset(ZoneOffset.UTC))
                .param("end", end.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new Completion(
                        rs.getLong("task_id"),
                        rs.getString("title"),
                        instant(rs, "created_at"),
                        instant(rs, "started_at"),
                        instant(rs, "completed_at")))
                .list();
    }

    /**
     * Lead and cycle time summaries of the tasks {@link #completions} would list, computed here: seconds
     * truncated to the millisecond as {@code FlowMetrics.seconds}, percentiles by percentile_cont (the
     * interpolation of {@link Percentiles}), the mean exact then rounded to a double.
     */
    FlowReport.TimeSummary[] timeSummaries(long ws, long boardId, Instant start, Instant end, boolean trashed) {
        return jdbc.sql("""
                with d as (
                  select floor(extract(epoch from f.completed_at - f.created_at) * 1000) / 1000 as lead,
                         case when f.started_at is not null and f.started_at <= f.completed_at
                              then floor(extract(epoch from f.completed_at - f.started_at) * 1000) / 1000 end as cycle
                  from flow_tasks f
                  where f.completed_board = :board and f.completed_at >= :start and f.completed_at < :end
                    and f.completed_at is not null and f.workspace_id = :ws
                    and (f.deleted_at is null or :trashed))
                select count(lead) as lead_n, avg(lead)::float8 as lead_mean,
                       percentile_cont(array[0.5, 0.85, 0.95]::float8[]) within group (order by lead::float8) as lead_p,
                       count(cycle) as cycle_n, avg(cycle)::float8 as cycle_mean,
                       percentile_cont(array[0.5, 0.85, 0.95]::float8[]) within group (order by cycle::float8) as cycle_p
                from d
                """)
                .param("trashed", trashed)
                .param("ws", ws)
                .param("board", boardId)
                .param("start", start.atOffset(ZoneOffset.UTC))
                .param("end", end.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new FlowReport.TimeSummary[] {timeSummary(rs, "lead"), timeSummary(rs, "cycle")})
                .single();
    }

    private static FlowReport.TimeSummary timeSummary(java.sql.ResultSet rs, String name) throws java.sql.SQLException {
        long n = rs.getLong(name + "_n");
        java.sql.Array a = rs.getArray(name + "_p");
        Double[] p = a == null ? new Double[3] : (Double[]) a.getArray();
        return new FlowReport.TimeSummary(n, rs.getObject(name + "_mean", Double.class), p[0], p[1], p[2]);
    }

    /** Open tasks now in an in-progress column of the board. */
    List<Open> openInProgress(long ws, long boardId) {
        return jdbc.sql("""
                select f.task_id, t.title, f.cur_column, c.name, f.started_at, f.cur_entered
                from flow_tasks f
                join board_columns c on c.workspace_id = f.workspace_id and c.id = f.cur_column
                join tasks t on t.workspace_id = f.workspace_id and t.id = f.task_id and t.archived_at is null
                where f.workspace_id = :ws and f.cur_board = :board and f.cur_column is not null
                  and f.deleted_at is null and f.final_status in ('pending', 'in_progress')
                  and c.kind in ('in_progress', 'review', 'blocked')
                """)
                .param("ws", ws)
                .param("board", boardId)
                .query((rs, n) -> new Open(
                        rs.getLong("task_id"),
                        rs.getString("title"),
                        rs.getLong("cur_column"),
                        rs.getString("name"),
                        instant(rs, "started_at"),
                        instant(rs, "cur_entered")))
                .list();
    }

    /** Recomputes the workspace's kept figures from its history (restores; tests). */
    void rebuild(long ws) {
        jdbc.sql("select flow_rebuild(:ws)").param("ws", ws).query((rs, n) -> 1).list();
    }

    private static FlowRow row(ResultSet rs, int n) throws SQLException {
        return new FlowRow(
                rs.getLong("task_id"),
                rs.getLong("board_id"),
                rs.getString("action"),
                rs.getString("old_value"),
                rs.getString("new_value"),
                rs.getObject("column_id", Long.class),
                instant(rs, "occurred_at"));
    }

    private static TaskNow taskNow(ResultSet rs, int n) throws SQLException {
        return new TaskNow(
                rs.getLong("id"),
                rs.getString("title"),
                rs.getLong("column_id"),
                rs.getString("status"),
                instant(rs, "created_at"),
                instant(rs, "completed_at"),
                rs.getBoolean("archived"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
