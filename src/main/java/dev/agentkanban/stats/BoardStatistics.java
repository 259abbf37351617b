package dev.agentkanban.stats;

import dev.agentkanban.board.ColumnKind;
import java.time.Instant;
import java.util.List;

/**
 * A board's task counts: per column (in board order, every column present) by priority, and for
 * the whole board by status. Every key is present, zero when nothing matches.
 */
record BoardStatistics(
        long boardId, long total, List<ColumnCounts> columns, StatusCounts byStatus, WeekProgress thisWeek) {

    public record ColumnCounts(
            long columnId,
            String name,
            ColumnKind kind,
            int position,
            Integer wipLimit,
            long total,
            PriorityCounts byPriority) {}

    public record PriorityCounts(long low, long medium, long high, long urgent) {}

    /**
     * Tasks by stored status, plus {@code overdue}: open tasks (pending or in progress) whose due
     * date has passed, computed at read time and never stored (so it overlaps the open statuses).
     */
    public record StatusCounts(long pending, long inProgress, long completed, long cancelled, long overdue) {}

    /**
     * Progress of the current ISO week, which starts {@code weekStart} (Monday 00:00 UTC):
     * {@code completed} = tasks with {@code completed_at >= weekStart}; {@code total} = tasks not
     * cancelled whose {@code completed_at} is null or {@code >= weekStart} (the open ones plus those
     * finished this week); {@code percentage} = 0 when total is 0, else
     * {@code round(100 * completed / total)} to one decimal.
     */
    public record WeekProgress(Instant weekStart, long completed, long total, double percentage) {}
}
