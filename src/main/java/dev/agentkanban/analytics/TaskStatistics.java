package dev.agentkanban.analytics;

import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.stats.StatusColor;
import java.time.Instant;
import java.util.List;

/**
 * Seed 002's statistics of one task: its age, number of column moves, total time spent in each column
 * it has been in (from its audit trail, up to now for the current column), and where it stands in its
 * current column against the other tasks there: {@code z_score} = (t − mean) / stdev of the seconds the
 * column's tasks have been there (0 when stdev is 0), {@code percentile} = 100 · (tasks there for less
 * time) / (tasks − 1) (0 for a lone task), and the seed's colour ({@link StatusColor}).
 */
record TaskStatistics(
        long taskId,
        long boardId,
        Instant createdAt,
        double ageSeconds,
        int transitions,
        Current current,
        List<ColumnTime> timeInColumns) {

    public record Current(
            long columnId,
            String column,
            ColumnKind kind,
            double seconds,
            double zScore,
            double percentile,
            StatusColor statusColor) {}

    /** Column name and kind are null for a column deleted since. */
    public record ColumnTime(long columnId, String column, ColumnKind kind, int visits, double seconds) {}
}
