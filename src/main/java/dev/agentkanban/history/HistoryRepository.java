package dev.agentkanban.history;

import dev.agentkanban.history.HistoryStats.ActorActivity;
import dev.agentkanban.history.HistoryStats.Day;
import dev.agentkanban.history.TaskTransitions.Current;
import dev.agentkanban.history.TaskTransitions.Transition;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL over the audit trail. Every statement is scoped to a workspace. */
@Repository
class HistoryRepository {

    /**
     * The rows of {@code task_history h} with, for a move, the names of the columns it left and entered
     * (the values are column ids; a name is null once its column is gone).
     */
    private static final String ENTRIES = """
            select h.id, h.task_id, h.board_id, h.action, h.field, h.old_value, h.new_value, h.actor, h.occurred_at,
                   fc.name as from_column, tc.name as to_column
            from task_history h
            left join board_columns fc on fc.workspace_id = h.workspace_id
                 and fc.id = case when h.field = 'column' and h.old_value ~ '^[0-9]{1,18}$' then h.old_value::bigint end
            left join board_columns tc on tc.workspace_id = h.workspace_id
                 and tc.id = case when h.field = 'column' and h.new_value ~ '^[0-9]{1,18}$' then h.new_value::bigint end
            """;

    private final JdbcClient jdbc;

    HistoryRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether the task exists in the workspace, or did: a deleted task's trail stays readable. */
    boolean taskKnown(long ws, long taskId) {
        return jdbc.sql("""
                select exists (select 1 from tasks where workspace_id = :ws and id = :task)
                    or exists (select 1 from task_history where workspace_id = :ws and task_id = :task)
                """)
                .param("ws", ws)
                .param("task", taskId)
                .query(Boolean.class)
                .single();
    }

    List<HistoryEntry> taskHistory(long ws, long taskId, int limit, long offset) {
        return jdbc.sql(ENTRIES + """
                where h.workspace_id = :ws and h.task_id = :task
                order by h.id
                limit :limit offset :offset
                """)
                .param("ws", ws)
                .param("task", taskId)
                .param("limit", limit)
                .param("offset", offset)
                .query(HistoryRepository::entry)
                .list();
    }

    long countTaskHistory(long ws, long taskId) {
        return jdbc.sql("select count(*) from task_history where workspace_id = :ws and task_id = :task")
                .param("ws", ws)
                .param("task", taskId)
                .query(Long.class)
                .single();
    }

    /**
     * The creation and every move of the task, oldest first, with the time since the previous one.
     * The creation row does not name a column: the task started where its first move left from, or,
     * never moved, where it is now.
     */
    List<Transition> transitions(long ws, long taskId) {
        return jdbc.sql("""
                with ev as (
                    select h.id, h.occurred_at, h.actor,
                           case when h.action = 'moved' and h.old_value ~ '^[0-9]+$' then h.old_value::bigint end as from_id,
                           case when h.action = 'moved' then
                                    case when h.new_value ~ '^[0-9]+$' then h.new_value::bigint end
                                else coalesce(
                                    (select m.old_value::bigint from task_history m
                                      where m.workspace_id = h.workspace_id and m.task_id = h.task_id
                                        and m.action = 'moved' and m.field = 'column' and m.id > h.id
                                        and m.old_value ~ '^[0-9]+$'
                                      order by m.id limit 1),
                                    (select t.column_id from tasks t where t.workspace_id = h.workspace_id and t.id = h.task_id))
                           end as to_id
                    from task_history h
                    where h.workspace_id = :ws and h.task_id = :task
                      and (h.action = 'created' or (h.action = 'moved' and h.field = 'column'))
                )
                select ev.from_id, f.name as from_name, ev.to_id, t.name as to_name, ev.occurred_at, ev.actor,
                       extract(epoch from ev.occurred_at - lag(ev.occurred_at) over (order by ev.id))::float8 as seconds
                from ev
                left join board_columns f on f.workspace_id = :ws and f.id = ev.from_id
                left join board_columns t on t.workspace_id = :ws and t.id = ev.to_id
                order by ev.id
                """)
                .param("ws", ws)
                .param("task", taskId)
                .query((rs, n) -> new Transition(
                        rs.getObject("from_id", Long.class),
                        rs.getString("from_name"),
                        rs.getObject("to_id", Long.class),
                        rs.getString("to_name"),
                        instant(rs, "occurred_at"),
                        rs.getString("actor"),
                        rs.getObject("seconds", Double.class)))
                .list();
    }

    /** Where the task is now and since when; empty when it has been deleted (or is in the trash). */
    Optional<Current> currentColumn(long ws, long taskId) {
        return jdbc.sql("""
                select t.column_id, c.name, t.column_entered_at,
                       extract(epoch from now() - t.column_entered_at)::float8 as seconds
                from tasks t join board_columns c on c.id = t.column_id
                where t.workspace_id = :ws and t.id = :task and t.deleted_at is null
                """)
                .param("ws", ws)
                .param("task", taskId)
                .query((rs, n) -> new Current(
                        rs.getLong("column_id"),
                        rs.getString("name"),
                        instant(rs, "column_entered_at"),
                        rs.getDouble("seconds")))
                .optional();
    }

    /** The board's rows in {@code [since, until)}, newest first; no {@code until} means up to now. */
    List<HistoryEntry> boardActivity(long ws, long boardId, Instant since, Instant until, int limit, long offset) {
        return jdbc.sql(ENTRIES + " where " + activityWindow(until) + """

                order by h.occurred_at desc, h.id desc
                limit :limit offset :offset
                """)
                .params(activityParams(ws, boardId, since, until))
                .param("limit", limit)
                .param("offset", offset)
                .query(HistoryRepository::entry)
                .list();
    }

    long countBoardActivity(long ws, long boardId, Instant since, Instant until) {
        return jdbc.sql("select count(*) from task_history h where " + activityWindow(until))
                .params(activityParams(ws, boardId, since, until))
                .query(Long.class)
                .single();
    }

    private static String activityWindow(Instant until) {
        return "h.workspace_id = :ws and h.board_id = :board and h.occurred_at >= :since"
                + (until == null ? "" : " and h.occurred_at < :until");
    }

    private static Map<String, Object> activityParams(long ws, long boardId, Instant since, Instant until) {
        Map<String, Object> params = new HashMap<>();
        params.put("ws", ws);
        params.put("board", boardId);
        params.put("since", utc(since));
        if (until != null) {
            params.put("until", utc(until));
        }
        return params;
    }

    /**
     * Counts per local day, every day present (zero-filled): day {@code i} is
     * {@code [starts[i], starts[i + 1])}, so {@code starts} holds one bound more than there are days.
     * Each row finds its day by {@code width_bucket} over the bounds, which the caller computed in its
     * zone (daylight-saving days are 23 or 25 hours long).
     */
    List<Day> perDay(long ws, Long boardId, List<LocalDate> days, List<Instant> starts) {
        long[][] counts = new long[days.size()][5];
        jdbc.sql("""
                select width_bucket(occurred_at, cast(:bounds as timestamptz[])) as i,
                       count(*) filter (where action = 'created') as created,
                       count(*) filter (where action = 'status_changed' and new_value = 'completed') as completed,
                       count(*) filter (where action = 'moved') as moved,
                       count(*) filter (where action = 'updated') as updated,
                       count(*) as total
                from task_history
                where workspace_id = :ws and occurred_at >= :since and occurred_at < :until
                """ + (boardId == null ? "" : " and board_id = :board") + """

                group by 1
                """)
                .param("ws", ws)
                .param("bounds", starts.stream().map(Instant::toString).collect(Collectors.joining(",", "{", "}")))
                .param("since", utc(starts.getFirst()))
                .param("until", utc(starts.getLast()))
                .params(boardId == null ? Map.of() : Map.of("board", boardId))
                .query((rs, n) -> {
                    long[] c = counts[rs.getInt("i") - 1];
                    c[0] = rs.getLong("created");
                    c[1] = rs.getLong("completed");
                    c[2] = rs.getLong("moved");
                    c[3] = rs.getLong("updated");
                    c[4] = rs.getLong("total");
                    return null;
                })
                .list();
        List<Day> out = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            long[] c = counts[i];
            out.add(new Day(days.get(i), c[0], c[1], c[2], c[3], c[4]));
        }
        return out;
    }

    List<ActorActivity> mostActiveActors(long ws, Long boardId, Instant since, int limit) {
        return jdbc.sql("""
                select actor, count(*) as changes
                from task_history
                where workspace_id = :ws and occurred_at >= :since
                """ + (boardId == null ? "" : " and board_id = :board") + """

                group by actor
                order by changes desc, actor
                limit :limit
                """)
                .param("ws", ws)
                .param("since", utc(since))
                .param("limit", limit)
                .params(boardId == null ? Map.of() : Map.of("board", boardId))
                .query((rs, n) -> new ActorActivity(rs.getString("actor"), rs.getLong("changes")))
                .list();
    }

    private static HistoryEntry entry(ResultSet rs, int n) throws SQLException {
        return new HistoryEntry(
                rs.getLong("id"),
                rs.getLong("task_id"),
                rs.getObject("board_id", Long.class),
                rs.getString("action"),
                rs.getString("field"),
                rs.getString("old_value"),
                rs.getString("new_value"),
                rs.getString("actor"),
                instant(rs, "occurred_at"),
                rs.getString("from_column"),
                rs.getString("to_column"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
