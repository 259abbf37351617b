package dev.agentkanban.analytics;

import dev.agentkanban.board.ColumnKind;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Flow metrics of a board over the local days {@code from}..{@code to} (inclusive) in {@code tz}
 * (definitions in docs/analytics.md). {@code cumulative_flow[i].counts[j]} is the number of tasks in
 * {@code columns[j]} at the end of day i.
 */
record FlowReport(
        long boardId,
        LocalDate from,
        LocalDate to,
        String tz,
        FlowFilter filter,
        List<ColumnRef> columns,
        List<FlowDay> cumulativeFlow,
        List<WipDay> wip,
        List<DayCount> throughputDaily,
        List<WeekCount> throughputWeekly,
        TimeSummary leadTime,
        TimeSummary cycleTime,
        List<CompletedTask> completed,
        AgingWip agingWip) {

    /** A column the figures mention; name and kind are null for a column deleted since. */
    public record ColumnRef(long columnId, String name, ColumnKind kind) {}

    public record FlowDay(LocalDate date, List<Long> counts) {}

    public record WipDay(LocalDate date, long wip) {}

    public record DayCount(LocalDate date, long completed) {}

    /** An ISO week (from Monday {@code weekStart}); only its days inside the range count. */
    public record WeekCount(LocalDate weekStart, int days, long completed) {}

    /** Percentiles interpolated as PostgreSQL's percentile_cont; all null when count is 0. */
    public record TimeSummary(
            long count, Double meanSeconds, Double p50Seconds, Double p85Seconds, Double p95Seconds) {}

    /** A completed task: a point of the lead- and cycle-time scatter plots (cycle time null if never started). */
    public record CompletedTask(
            long taskId,
            String title,
            Instant createdAt,
            Instant startedAt,
            Instant completedAt,
            double leadTimeSeconds,
            Double cycleTimeSeconds) {}

    public record AgingWip(Double p85CycleTimeSeconds, List<AgingTask> tasks) {}

    /** An open task in an in-progress column: its age since it started, against the 85th percentile cycle time. */
    public record AgingTask(
            long taskId,
            String title,
            long columnId,
            String column,
            Instant startedAt,
            double ageSeconds,
            double inColumnSeconds,
            Boolean beyondP85) {}
}
