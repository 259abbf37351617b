package dev.agentkanban.analytics;

import static dev.agentkanban.analytics.FlowTables.row;

import dev.agentkanban.platform.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * The forecast and seed 002 answers as CSV tables (docs/analytics.md): the same numbers as their JSON,
 * one table per download; answers with several tables pick one with {@code ?table=}.
 */
final class StatisticsCsv {

    private StatisticsCsv() {}

    static CsvTable forecast(Forecast f) {
        List<List<Object>> rows = new ArrayList<>();
        if (f.when() != null) {
            Forecast.When w = f.when();
            rows.add(row("when", w.count(), null, w.p50(), w.p85(), w.p95()));
        }
        if (f.howMany() != null) {
            Forecast.HowMany m = f.howMany();
            rows.add(row("how_many", null, m.date(), m.p50(), m.p85(), m.p95()));
        }
        return new CsvTable("forecast", List.of("question", "count", "date", "p50", "p85", "p95"), rows);
    }

    static CsvTable colours(BoardColours c) {
        return new CsvTable(
                "task-colors",
                List.of(
                        "task_id",
                        "title",
                        "column_id",
                        "column",
                        "kind",
                        "seconds",
                        "z_score",
                        "percentile",
                        "status_color"),
                c.items().stream()
                        .map(t -> row(
                                t.taskId(),
                                t.title(),
                                t.columnId(),
                                t.column(),
                                t.kind(),
                                t.seconds(),
                                t.zScore(),
                                t.percentile(),
                                t.statusColor()))
                        .toList());
    }

    static CsvTable task(TaskStatistics s) {
        return new CsvTable(
                "task-" + s.taskId() + "-time-in-columns",
                List.of("column_id", "column", "kind", "visits", "seconds"),
                s.timeInColumns().stream()
                        .map(c -> row(c.columnId(), c.column(), c.kind(), c.visits(), c.seconds()))
                        .toList());
    }

    static CsvTable performance(Performance p) {
        return new CsvTable(
                "performance",
                List.of(
                        "since",
                        "until",
                        "days",
                        "created",
                        "completed",
                        "completion_rate",
                        "throughput_per_day",
                        "average_completion_seconds",
                        "average_cycle_seconds",
                        "backlog_size",
                        "blocked_count",
                        "previous_completed",
                        "change_percent",
                        "trend"),
                List.of(row(
                        p.since(),
                        p.until(),
                        p.days(),
                        p.created(),
                        p.completed(),
                        p.completionRate(),
                        p.throughputPerDay(),
                        p.averageCompletionSeconds(),
                        p.averageCycleSeconds(),
                        p.backlogSize(),
                        p.blockedCount(),
                        p.velocity().previousCompleted(),
                        p.velocity().changePercent(),
                        p.velocity().trend())));
    }

    /** {@code table}: moves_per_day (the default), by_user or most_moved. */
    static CsvTable dragDrop(DragDropMetrics d, String table) {
        String t = table == null || table.isBlank() ? "moves_per_day" : table.trim();
        return switch (t) {
            case "moves_per_day" ->
                new CsvTable(
                        "drag-drop-moves-per-day",
                        List.of("date", "moves"),
                        d.movesPerDay().stream()
                                .map(m -> row(m.date(), m.moves()))
                                .toList());
            case "by_user" ->
                new CsvTable(
                        "drag-drop-by-user",
                        List.of("actor", "moves"),
                        d.byUser().stream().map(m -> row(m.actor(), m.moves())).toList());
            case "most_moved" ->
                new CsvTable(
                        "drag-drop-most-moved",
                        List.of("task_id", "title", "moves"),
                        d.mostMoved().stream()
                                .map(m -> row(m.taskId(), m.title(), m.moves()))
                                .toList());
            default -> throw ApiException.invalid("table", "must be moves_per_day, by_user or most_moved");
        };
    }
}
