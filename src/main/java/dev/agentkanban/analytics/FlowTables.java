package dev.agentkanban.analytics;

import dev.agentkanban.analytics.FlowReport.ColumnRef;
import dev.agentkanban.analytics.FlowReport.TimeSummary;
import dev.agentkanban.platform.ApiException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The tables of a {@link FlowReport}, each downloadable as CSV. */
final class FlowTables {

    static final List<String> NAMES = List.of(
            "cumulative_flow", "wip", "throughput_daily", "throughput_weekly", "completed", "percentiles", "aging_wip");

    private FlowTables() {}

    /** The parts of the report a table is made of. */
    static Set<FlowMetrics.Part> parts(String name) {
        return switch (name) {
            case "cumulative_flow", "wip" -> EnumSet.of(FlowMetrics.Part.FLOW);
            case "aging_wip" -> EnumSet.of(FlowMetrics.Part.AGING);
            case "completed" -> EnumSet.of(FlowMetrics.Part.COMPLETED, FlowMetrics.Part.TITLES);
            case "percentiles" -> EnumSet.of(FlowMetrics.Part.SUMMARY);
            default -> EnumSet.of(FlowMetrics.Part.COMPLETED);
        };
    }

    static CsvTable table(FlowReport r, String name) {
        return switch (name) {
            case "cumulative_flow" -> {
                List<String> header = new ArrayList<>(List.of("date"));
                for (ColumnRef c : r.columns()) {
                    header.add(c.name() == null ? "column " + c.columnId() : c.name());
                }
                yield new CsvTable(
                        name,
                        header,
                        r.cumulativeFlow().stream()
                                .map(d -> {
                                    List<Object> row = new ArrayList<>(List.of(d.date()));
                                    row.addAll(d.counts());
                                    return row;
                                })
                                .toList());
            }
            case "wip" ->
                new CsvTable(
                        name,
                        List.of("date", "wip"),
                        r.wip().stream()
                                .map(d -> List.<Object>of(d.date(), d.wip()))
                                .toList());
            case "throughput_daily" ->
                new CsvTable(
                        name,
                        List.of("date", "completed"),
                        r.throughputDaily().stream()
                                .map(d -> List.<Object>of(d.date(), d.completed()))
                                .toList());
            case "throughput_weekly" ->
                new CsvTable(
                        name,
                        List.of("week_start", "days", "completed"),
                        r.throughputWeekly().stream()
                                .map(w -> List.<Object>of(w.weekStart(), w.days(), w.completed()))
                                .toList());
            case "completed" ->
                new CsvTable(
                        name,
                        List.of(
                                "task_id",
                                "title",
                                "created_at",
                                "started_at",
                                "completed_at",
                                "lead_time_seconds",
                                "cycle_time_seconds"),
                        r.completed().stream()
                                .map(c -> row(
                                        c.taskId(),
                                        c.title(),
                                        c.createdAt(),
                                        c.startedAt(),
                                        c.completedAt(),
                                        c.leadTimeSeconds(),
                                        c.cycleTimeSeconds()))
                                .toList());
            case "percentiles" ->
                new CsvTable(
                        name,
                        List.of("measure", "count", "mean_seconds", "p50_seconds", "p85_seconds", "p95_seconds"),
                        List.of(summary("lead_time", r.leadTime()), summary("cycle_time", r.cycleTime())));
            case "aging_wip" ->
                new CsvTable(
                        name,
                        List.of(
                                "task_id",
                                "title",
                                "column_id",
                                "column",
                                "started_at",
                                "age_seconds",
                                "in_column_seconds",
                                "beyond_p85"),
                        r.agingWip().tasks().stream()
                                .map(a -> row(
                                        a.taskId(),
                                        a.title(),
                                        a.columnId(),
                                        a.column(),
                                        a.startedAt(),
                                        a.ageSeconds(),
                                        a.inColumnSeconds(),
                                        a.beyondP85()))
                                .toList());
            default -> throw ApiException.invalid("table", "must be one of " + String.join(", ", NAMES));
        };
    }

    private static List<Object> summary(String measure, TimeSummary s) {
        return row(measure, s.count(), s.meanSeconds(), s.p50Seconds(), s.p85Seconds(), s.p95Seconds());
    }

    /** A row that may hold nulls (List.of does not). */
    static List<Object> row(Object... values) {
        return java.util.Arrays.asList(values);
    }
}
