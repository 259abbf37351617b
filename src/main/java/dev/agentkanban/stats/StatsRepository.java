package dev.agentkanban.stats;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for board statistics. Callers have checked that the board belongs to the request's
 * workspace; every query is bounded by the board and served by an index or the counter table.
 */
@Repository
class StatsRepository {

    private final JdbcClient jdbc;

    StatsRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Task counts of one column by priority and by status. */
    record ColumnCount(
            long columnId,
            long low,
            long medium,
            long high,
            long urgent,
            long pending,
            long inProgress,
            long completed,
            long cancelled) {

        long total() {
            return low + medium + high + urgent;
        }
    }

    /**
     * Counts per column of the board, read from {@code task_counts} (maintained by triggers in the
     * transaction of every task change, see V4__stats.sql) instead of scanning the board's tasks.
     * Columns without tasks are absent.
     */
    List<ColumnCount> columnCounts(long boardId) {
        return jdbc.sql("""
                select column_id,
                       coalesce(sum(n) filter (where priority = 'low'), 0) as low,
                       coalesce(sum(n) filter (where priority = 'medium'), 0) as medium,
                       coalesce(sum(n) filter (where priority = 'high'), 0) as high,
                       coalesce(sum(n) filter (where priority = 'urgent'), 0) as urgent,
                       coalesce(sum(n) filter (where status = 'pending'), 0) as pending,
                       coalesce(sum(n) filter (where status = 'in_progress'), 0) as in_progress,
                       coalesce(sum(n) filter (where status = 'completed'), 0) as completed,
                       coalesce(sum(n) filter (where status = 'cancelled'), 0) as cancelled
                from task_counts
                where board_id = :board and n > 0
                group by column_id
                """)
                .param("board", boardId)
                .query((rs, n) -> new ColumnCount(
                        rs.getLong("column_id"),
                        rs.getLong("low"),
                        rs.getLong("medium"),
                        rs.getLong("high"),
                        rs.getLong("urgent"),
                        rs.getLong("pending"),
                        rs.getLong("in_progress"),
                        rs.getLong("completed"),
                        rs.getLong("cancelled")))
                .list();
    }

    /** The figures that depend on the clock: the current ISO week's start, overdue and completed this week. */
    record Moment(Instant weekStart, long overdue, long completedThisWeek) {}

    /**
     * Overdue = open (pending, in progress) on the board (not archived, not in the trash) with a due
     * date before now, counted on the partial index {@code tasks_open_due_idx}; completed this week =
     * {@code completed_at} at or after Monday 00:00 UTC and not in the trash, on
     * {@code tasks_completed_idx}. Both indexes carry every column these read (V47), so the counts are
     * index-only scans; a filter on another column would fetch every matching row from the table.
     */
    static final String MOMENT = """
            with w as (select date_trunc('week', now() at time zone 'UTC') at time zone 'UTC' as start)
            select w.start,
                   (select count(*) from tasks
                     where board_id = :board and due_date < now() and status in ('pending', 'in_progress')
                       and position is not null) as overdue,
                   (select count(*) from tasks
                     where board_id = :board and completed_at >= w.start and deleted_at is null) as completed
            from w
            """;

    Moment moment(long boardId) {
        return jdbc.sql(MOMENT)
                .param("board", boardId)
                .query((rs, n) -> new Moment(
                        rs.getObject("start", OffsetDateTime.class).toInstant(),
                        rs.getLong("overdue"),
                        rs.getLong("completed")))
                .single();
    }

    /** Time-in-column figures of one column over all its tasks, in seconds. */
    record ColumnTimeFigures(long columnId, long count, double mean, double median, double stdev, double p95) {}

    /**
     * Per non-empty column of the board: count, mean, median, sample standard deviation (n − 1, as
     * seed 002 computed it; 0 for a lone task) and 95th percentile (interpolated, as {@code percentile_cont}) of the seconds since each task
     * entered it. Each column is read by an index-only scan of {@code tasks_column_entered_idx} and
     * sorted once for both percentiles.
     */
    List<ColumnTimeFigures> columnTimes(long boardId) {
        return jdbc.sql("""
                select c.id as column_id, a.n, a.mean, a.stdev, a.pct[1] as median, a.pct[2] as p95
                from board_columns c
                cross join lateral (
                    select count(*) as n, avg(s) as mean, coalesce(stddev_samp(s), 0) as stdev,
                           percentile_cont(array[0.5, 0.95]) within group (order by s) as pct
                    from (select extract(epoch from now() - column_entered_at)::float8 as s
                          from tasks where column_id = c.id and position is not null) t
                ) a
                where c.board_id = :board and a.n > 0
                """)
                .param("board", boardId)
                .query((rs, n) -> new ColumnTimeFigures(
                        rs.getLong("column_id"),
                        rs.getLong("n"),
                        rs.getDouble("mean"),
                        rs.getDouble("median"),
                        rs.getDouble("stdev"),
                        rs.getDouble("p95")))
                .list();
    }

    /** One task's time in its current column. */
    record TaskSeconds(long columnId, long taskId, double seconds) {}

    /** Up to {@code perColumn} tasks of each column of the board, longest waiting first. */
    List<TaskSeconds> longestWaiting(long boardId, int perColumn) {
        return jdbc.sql("""
                select c.id as column_id, t.id, extract(epoch from now() - t.column_entered_at)::float8 as s
                from board_columns c
                cross join lateral (
                    select id, column_entered_at from tasks
                    where column_id = c.id and position is not null
                    order by column_entered_at, id
                    limit :limit
                ) t
                where c.board_id = :board
                order by c.position, t.column_entered_at, t.id
                """)
                .param("board", boardId)
                .param("limit", perColumn)
                .query((rs, n) -> new TaskSeconds(rs.getLong("column_id"), rs.getLong("id"), rs.getDouble("s")))
                .list();
    }
}
