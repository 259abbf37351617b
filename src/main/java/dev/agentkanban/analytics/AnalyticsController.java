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

    private final FlowMetrics flow;
    private final SeedStatistics stats;
    private final Clock clock = Clock.systemUTC();

    AnalyticsController(FlowMetrics flow, SeedStatistics stats) {
        this.flow = flow;
        this.stats = stats;
    }

    @GetMapping({"/tasks/{taskId}/statistics", "/statistics/tasks/{taskId}/statistics", "/statistics/tickets/{taskId}/statistics"})
    TaskStatistics taskStatistics(@PathVariable long taskId) {
        return stats.task(taskId);
    }

    @GetMapping({"/boards/{boardId}/tasks/colors", "/statistics/boards/{boardId}/tasks/colors",
            "/statistics/boards/{boardId}/tickets/colors"})
    BoardColours colours(@PathVariable long boardId, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return stats.colours(boardId, PageRequest.of(limit, offset));
    }

    @GetMapping({"/boards/{boardId}/drag-drop/metrics", "/statistics/boards/{boardId}/drag-drop/metrics"})
    DragDropMetrics dragDrop(@PathVariable long boardId, @RequestParam(required = false) Integer days) {
        return stats.dragDrop(boardId, FlowParams.days(days, DEFAULT_DRAG_DROP_DAYS, MAX_PERFORMANCE_DAYS));
    }

    @GetMapping({"/analytics/boards/{boardId}/performance", "/statistics/boards/{boardId}/performance"})
    Performance performance(@PathVariable long boardId, @RequestParam(required = false) Integer days) {
        return flow.performance(boardId, FlowParams.days(days, DEFAULT_PERFORMANCE_DAYS, MAX_PERFORMANCE_DAYS));
    }

    @GetMapping("/analytics/boards/{boardId}/flow")
    FlowReport flow(@PathVariable long boardId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String tz,
            @RequestParam(required = false) String epic, @RequestParam(required = false) String tag,
            @RequestParam(required = false) String assignee) {
        FlowParams p = FlowParams.of(from, to, tz, epic, tag, assignee, clock);
        return flow.flow(boardId, p.from(), p.to(), p.zone(), p.filter());
    }

    /** One table of the flow report, as JSON rows or CSV ({@code ?format=csv} or {@code Accept: text/csv}). */
    @GetMapping("/analytics/boards/{boardId}/flow/{table}")
    ResponseEntity<?> flowTable(@PathVariable long boardId, @PathVariable String table,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String tz, @RequestParam(required = false) String epic,
            @RequestParam(required = false) String tag, @RequestParam(required = false) String assignee,
            @RequestParam(required = false) String format, @RequestHeader(name = "Accept", required = false) String accept) {
        boolean csv = csv(format, accept);
        if (!FlowTables.NAMES.contains(table)) {
            throw ApiException.invalid("table", "must be one of " + String.join(", ", FlowTables.NAMES));
        }
        FlowParams p = FlowParams.of(from, to, tz, epic, tag, assignee, clock);
        return FlowTables.table(flow.flow(boardId, p.from(), p.to(), p.zone(), p.filter()), table).response(csv);
    }

    static boolean csv(String format, String accept) {
        if (format != null && !format.isBlank() && !"csv".equalsIgnoreCase(format.trim()) && !"json".equalsIgnoreCase(format.trim())) {
            throw ApiException.invalid("format", "must be json or csv");
        }
        return CsvTable.wantsCsv(format == null || format.isBlank() ? null : format, accept);
    }
}
