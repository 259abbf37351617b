package dev.agentkanban.analytics;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.PageRequest;
import java.time.Clock;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read-only analytics of a board (docs/analytics.md); the seed 002 paths under /statistics are aliases. */
@RestController
@RequestMapping("/api/v1")
class AnalyticsController {

    static final int DEFAULT_PERFORMANCE_DAYS = 30;
    static final int MAX_PERFORMANCE_DAYS = 365;

    static final int DEFAULT_DRAG_DROP_DAYS = 30;
    static final int DEFAULT_FORECAST_HISTORY = 30;
    /** The default seed: the same question over the same history gets the same answer. */
    static final long DEFAULT_SEED = 42;

    private final FlowMetrics flow;
    private final SeedStatistics stats;
    private final Clock clock = Clock.systemUTC();

    AnalyticsController(FlowMetrics flow, SeedStatistics stats) {
        this.flow = flow;
        this.stats = stats;
    }

    @GetMapping({
        "/tasks/{taskId}/statistics",
        "/statistics/tasks/{taskId}/statistics",
        "/statistics/tickets/{taskId}/statistics"
    })
    ResponseEntity<?> taskStatistics(
            @PathVariable long taskId,
            @RequestParam(required = false) String format,
            @RequestHeader(name = "Accept", required = false) String accept) {
        boolean csv = csv(format, accept);
        TaskStatistics s = stats.task(taskId);
        return csv ? StatisticsCsv.task(s).response(true) : ResponseEntity.ok(s);
    }

    @GetMapping({
        "/boards/{boardId}/tasks/colors",
        "/statistics/boards/{boardId}/tasks/colors",
        "/statistics/boards/{boardId}/tickets/colors"
    })
    ResponseEntity<?> colours(
            @PathVariable long boardId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset,
            @RequestParam(required = false) String format,
            @RequestHeader(name = "Accept", required = false) String accept) {
        boolean csv = csv(format, accept);
        BoardColours c = stats.colours(boardId, PageRequest.of(limit, offset));
        return csv ? StatisticsCsv.colours(c).response(true) : ResponseEntity.ok(c);
    }

    @GetMapping({"/boards/{boardId}/drag-drop/metrics", "/statistics/boards/{boardId}/drag-drop/metrics"})
    ResponseEntity<?> dragDrop(
            @PathVariable long boardId,
            @RequestParam(required = false) Integer days,
            @RequestParam(required = false) String table,
            @RequestParam(required = false) String format,
            @RequestHeader(name = "Accept", required = false) String accept) {
        boolean csv = csv(format, accept);
        DragDropMetrics d =
                stats.dragDrop(boardId, FlowParams.days(days, DEFAULT_DRAG_DROP_DAYS, MAX_PERFORMANCE_DAYS));
        return csv ? StatisticsCsv.dragDrop(d, table).response(true) : ResponseEntity.ok(d);
    }

    @GetMapping({"/analytics/boards/{boardId}/performance", "/statistics/boards/{boardId}/performance"})
    ResponseEntity<?> performance(
            @PathVariable long boardId,
            @RequestParam(required = false) Integer days,
            @RequestParam(required = false) String format,
            @RequestHeader(name = "Accept", required = false) String accept) {
        boolean csv = csv(format, accept);
        Performance p =
                flow.performance(boardId, FlowParams.days(days, DEFAULT_PERFORMANCE_DAYS, MAX_PERFORMANCE_DAYS));
        return csv ? StatisticsCsv.performance(p).response(true) : ResponseEntity.ok(p);
    }

    @GetMapping("/analytics/boards/{boardId}/flow")
    FlowReport flow(
            @PathVariable long boardId,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String tz,
            @RequestParam(required = false) String epic,
            @RequestParam(required = false) String tag,
            @RequestParam(required = false) String assignee,
            @RequestParam(name = "include_trashed", required = false) Boolean includeTrashed) {
        return flow.flow(boardId, from, to, tz, new FlowFilter(epic, tag, assignee).withTrashed(includeTrashed));
    }

    /** One table of the flow report, as JSON rows or CSV ({@code ?format=csv} or {@code Accept: text/csv}). */
    @GetMapping({
        "/analytics/boards/{boardId}/flow/cumulative_flow",
        "/analytics/boards/{boardId}/flow/wip",
        "/analytics/boards/{boardId}/flow/throughput_daily",
        "/analytics/boards/{boardId}/flow/throughput_weekly",
        "/analytics/boards/{boardId}/flow/completed",
        "/analytics/boards/{boardId}/flow/percentiles",
        "/analytics/boards/{boardId}/flow/aging_wip"
    })
    ResponseEntity<?> flowTable(
            @PathVariable long boardId,
            jakarta.servlet.http.HttpServletRequest request,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String tz,
            @RequestParam(required = false) String epic,
            @RequestParam(required = false) String tag,
            @RequestParam(required = false) String assignee,
            @RequestParam(name = "include_trashed", required = false) Boolean includeTrashed,
            @RequestParam(required = false) String format,
            @RequestHeader(name = "Accept", required = false) String accept) {
        String table = request.getRequestURI().substring(request.getRequestURI().lastIndexOf('/') + 1);
        flow.requireBoard(boardId);
        boolean csv = csv(format, accept);
        return FlowTables.table(
                        flow.flow(
                                boardId,
                                from,
                                to,
                                tz,
                                new FlowFilter(epic, tag, assignee).withTrashed(includeTrashed),
                                FlowTables.parts(table)),
                        table)
                .response(csv);
    }

    @GetMapping("/analytics/boards/{boardId}/forecast")
    ResponseEntity<?> forecast(
            @PathVariable long boardId,
            @RequestParam(required = false) Long count,
            @RequestParam(required = false) String date,
            @RequestParam(name = "history_days", required = false) Integer historyDays,
            @RequestParam(required = false) Long seed,
            @RequestParam(required = false) String tz,
            @RequestParam(required = false) String epic,
            @RequestParam(required = false) String tag,
            @RequestParam(required = false) String assignee,
            @RequestParam(required = false) String format,
            @RequestHeader(name = "Accept", required = false) String accept) {
        flow.requireBoard(boardId);
        boolean csv = csv(format, accept);
        if (count == null && date == null) {
            throw ApiException.invalid(
                    "count", "give count (when will they be done) or date (how many by then), or both");
        }
        if (count != null && (count < 1 || count > 100_000)) {
            throw ApiException.invalid("count", "must be between 1 and 100000");
        }
        int history = historyDays == null ? DEFAULT_FORECAST_HISTORY : historyDays;
        if (history < 1 || history > FlowParams.MAX_DAYS) {
            throw ApiException.invalid("history_days", "must be between 1 and " + FlowParams.MAX_DAYS);
        }
        FlowParams p = FlowParams.of(null, null, tz, epic, tag, assignee, clock);
        java.time.LocalDate until = date == null ? null : FlowParams.date("date", date);
        if (until != null && until.isAfter(p.to().plusDays(MonteCarlo.MAX_DAYS - 1))) {
            throw ApiException.invalid("date", "must be within " + MonteCarlo.MAX_DAYS + " days");
        }
        Forecast f =
                flow.forecast(boardId, p.zone(), p.filter(), history, count, until, seed == null ? DEFAULT_SEED : seed);
        return csv ? StatisticsCsv.forecast(f).response(true) : ResponseEntity.ok(f);
    }

    @GetMapping("/analytics/boards/{boardId}/burnup")
    ResponseEntity<?> burnUp(
            @PathVariable long boardId,
            @RequestParam(required = false) String epic,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String tz,
            @RequestParam(name = "include_trashed", required = false) Boolean includeTrashed,
            @RequestParam(required = false) String format,
            @RequestHeader(name = "Accept", required = false) String accept) {
        flow.requireBoard(boardId);
        boolean csv = csv(format, accept);
        if (epic == null || epic.isBlank()) {
            throw ApiException.invalid("epic", "is required");
        }
        FlowParams p = FlowParams.of(from, to, tz, epic, null, null, clock);
        BurnUp b = flow.burnUp(boardId, p.filter().epic(), p.from(), p.to(), p.zone());
        if (!csv) {
            return ResponseEntity.ok(b);
        }
        return new CsvTable(
                        "burnup",
                        java.util.List.of("date", "scope", "done"),
                        b.days().stream()
                                .map(d -> java.util.List.<Object>of(d.date(), d.scope(), d.done()))
                                .toList())
                .response(true);
    }

    static boolean csv(String format, String accept) {
        if (format != null
                && !format.isBlank()
                && !"csv".equalsIgnoreCase(format.trim())
                && !"json".equalsIgnoreCase(format.trim())) {
            throw ApiException.invalid("format", "must be json or csv");
        }
        return CsvTable.wantsCsv(format == null || format.isBlank() ? null : format, accept);
    }
}
