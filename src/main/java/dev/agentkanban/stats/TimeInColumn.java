package dev.agentkanban.stats;

import dev.agentkanban.board.ColumnKind;
import java.util.List;

/**
 * How long the tasks of a board have been in their current column, per column (in board order,
 * every column present): count, mean, median, sample standard deviation and 95th percentile of
 * the seconds since each task entered the column (null when the column is empty), and per task its
 * {@link StatusColor}, and the column's colour scale (the rule as times, for tasks not listed). A column lists at most {@link BoardStats#TASKS_PER_COLUMN} tasks, longest
 * waiting first; the figures cover all of them.
 */
record TimeInColumn(long boardId, List<ColumnTimes> columns) {

    public record ColumnTimes(
            long columnId,
            String name,
            ColumnKind kind,
            long count,
            Double meanSeconds,
            Double medianSeconds,
            Double stdevSeconds,
            Double p95Seconds,
            StatusColor.Scale colorScale,
            List<TaskTime> tasks) {}

    public record TaskTime(long taskId, double seconds, StatusColor statusColor) {}
}
