package dev.agentkanban.analytics;

import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.stats.StatusColor;
import java.util.List;

/**
 * Seed 002's colour classification of every task of a board by its time in its current column (see
 * {@link TaskStatistics} for z-score and percentile): counts per colour over all tasks, and one page of
 * the tasks in board order, longest waiting first within a column.
 */
record BoardColours(long boardId, Counts counts, List<TaskColour> items, long total, int limit, long offset) {

    public record Counts(long good, long warning, long critical, long normal) {}

    public record TaskColour(
            long taskId,
            String title,
            long columnId,
            String column,
            ColumnKind kind,
            double seconds,
            double zScore,
            double percentile,
            StatusColor statusColor) {}
}
