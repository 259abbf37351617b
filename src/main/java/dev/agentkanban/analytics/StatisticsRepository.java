package dev.agentkanban.analytics;

import dev.agentkanban.analytics.DragDropMetrics.ActorMoves;
import dev.agentkanban.analytics.DragDropMetrics.DayMoves;
import dev.agentkanban.analytics.DragDropMetrics.TaskMoves;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of seed 002's statistics; callers have checked the board or task. */
@Repository
class StatisticsRepository {

    private final JdbcClient jdbc;

    StatisticsRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A task's seconds in its current column with the column's spread (sample standard deviation, as
     * the time-in-column figures); {@code below} = tasks there for less time.
     */
    record Standing(
            long taskId, String title, long columnId, double seconds, double mean, double stdev, long n, long below) {}

    private static final String STANDINGS = """
            select x.id, x.title, x.column_id, x.s,
                   avg(x.s) over w as mean, coalesce(stddev_samp(x.s) over w, 0) as stdev, count(*) over w as n,
                   rank() over (partition by x.column_id order by x.s) - 1 as below
            from (select t.id, t.title, t.column_id, extract(epoch from now() - t.column_entered_at)::float8 as s
                  from tasks t where t.position is not null and %s) x
            window w as (partition by x.column_id)
            """;

    List<Standing> boardStandings(long ws, long boardId) {
        return jdbc.sql(STANDINGS.formatted("t.workspace_id = :ws and t.board_id = :board")
                        + " order by x.column_id, x.s desc, x.id")
                .param("ws", ws)
                .param("board", boardId)
                .query((rs, n) -> standing(rs))
                .list();
    }

    /** The standing of one task among the tasks of its column. */
    List<Standing> columnStandings(long ws, long columnId) {
        return jdbc.sql(STANDINGS.formatted("t.workspace_id = :ws and t.column_id = :col"))
                .param("ws", ws)
                .param("col", columnId)
                .query((rs, n) -> standing(rs))
                .list();
    }

    private static Standing standing(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Standing(
                rs.getLong("id"),
                rs.getString("title"),
                rs.getLong("column_id"),
                rs.getDouble("s"),
                rs.getDouble("mean"),
                rs.getDouble("stdev"),
                rs.getLong("n"),
                rs.getLong("below"));
    }

    /** Midnight UTC of the first of the last {@code days} days (today is the last). */
    Instant windowStart(int days) {
        return jdbc.sql(
                        "select (((now() at time zone 'UTC')::date - (:days - 1))::timestamp at time zone 'UTC') as start")
                .param("days", days)
                .query((rs, n) -> FlowRepository.instant(rs, "start"))
                .single();
    }

    private static final String MOVES = """
            select h.task_id, h.actor, (h.occurred_at at time zone 'UTC')::date as day
            from task_history h
            where h.workspace_id = :ws and h.board_id = :board and h.action = 'moved' and h.field = 'column'
              and h.occurred_at >= :since
            """;

    List<DayMoves> movesPerDay(long ws, long boardId, Instant since, int days) {
        return jdbc.sql("with m as (" + MOVES + """
                ), d as (select ((:since)::timestamptz at time zone 'UTC')::date + i as day from generate_series(0, :days - 1) i)
                select d.day, count(m.task_id) as moves from d left join m on m.day = d.day group by d.day order by d.day
                """)
                .param("ws", ws)
                .param("board", boardId)
                .param("since", since.atOffset(ZoneOffset.UTC))
                .param("days", days)
                .query((rs, n) -> new DayMoves(rs.getObject("day", LocalDate.class), rs.getLong("moves")))
                .list();
    }

    List<ActorMoves> movesByActor(long ws, long boardId, Instant since) {
        return jdbc.sql("select actor, count(*) as moves from (" + MOVES
                        + ") m group by actor order by moves desc, actor")
                .param("ws", ws)
                .param("board", boardId)
                .param("since", since.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new ActorMoves(rs.getString("actor"), rs.getLong("moves")))
                .list();
    }

    long tasksMoved(long ws, long boardId, Instant since) {
        return jdbc.sql("select count(distinct task_id) from (" + MOVES + ") m")
                .param("ws", ws)
                .param("board", boardId)
                .param("since", since.atOffset(ZoneOffset.UTC))
                .query(Long.class)
                .single();
    }

    /** The {@code limit} most moved tasks, most first. */
    List<TaskMoves> movesByTask(long ws, long boardId, Instant since, int limit) {
        return jdbc.sql("select m.task_id, t.title, count(*) as moves from (" + MOVES + """
                ) m left join tasks t on t.id = m.task_id
                group by m.task_id, t.title order by moves desc, m.task_id
                limit :limit
                """)
                .param("limit", limit)
                .param("ws", ws)
                .param("board", boardId)
                .param("since", since.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new TaskMoves(rs.getLong("task_id"), rs.getString("title"), rs.getLong("moves")))
                .list();
    }
}
