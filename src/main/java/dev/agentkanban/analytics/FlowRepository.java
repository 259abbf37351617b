package dev.agentkanban.analytics;

import dev.agentkanban.board.ColumnKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
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
    record TaskNow(long id, String title, long columnId, String status, Instant createdAt, Instant completedAt) {}

    /** A column of the workspace, possibly of another board. */
    record ColumnInfo(long id, long boardId, String name, ColumnKind kind, int position) {}

    private static final String FLOW_ROWS = """
            select h.task_id, h.board_id, h.action, h.old_value, h.new_value, h.occurred_at,
                   coalesce(h.column_id, case when h.action = 'moved' and h.new_value ~ '^[0-9]{1,18}$'
                                              then h.new_value::bigint end) as column_id
            from task_history h
            where h.workspace_id = :ws and h.task_id in (%s)
              and (h.action in ('created', 'deleted', 'status_changed') or (h.action = 'moved' and h.field = 'column'))
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
                  and b.action in ('created', 'moved', 'status_changed', 'deleted')""");
        if (!f.isEmpty()) {
            sql.append(
                    " and b.task_id in (select t.id from tasks t where t.workspace_id = :ws and t.deleted_at is null");
            if (f.epic() != null) {
                sql.append(" and t.epic = :epic");
            }
            if (f.assignee() != null) {
                sql.append(" and t.assignee = :assignee");
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
            p.put("assignee", f.assignee());
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
                        "select id, title, column_id, status, created_at, completed_at from tasks where workspace_id = :ws and id in ("
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
                        "select id, title, column_id, status, created_at, completed_at from tasks where workspace_id = :ws and id = :task")
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
                instant(rs, "completed_at"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
