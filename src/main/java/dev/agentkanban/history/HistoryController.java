package dev.agentkanban.history;

import dev.agentkanban.platform.JsonLimits;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.TimeZones;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
class HistoryController {

    private final HistoryQueries history;

    HistoryController(HistoryQueries history) {
        this.history = history;
    }

    @GetMapping({"/tasks/{taskId}/history", "/history/tasks/{taskId}/history", "/history/tickets/{taskId}/history"})
    Page<HistoryEntry> taskHistory(
            @PathVariable long taskId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return history.taskHistory(taskId, PageRequest.of(limit, offset));
    }

    @GetMapping({
        "/tasks/{taskId}/transitions",
        "/history/tasks/{taskId}/transitions",
        "/history/tickets/{taskId}/transitions"
    })
    TaskTransitions transitions(@PathVariable long taskId) {
        return history.transitions(taskId);
    }

    @GetMapping({"/boards/{boardId}/activity", "/history/boards/{boardId}/activity"})
    BoardActivity boardActivity(
            @PathVariable long boardId,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) String until,
            @RequestParam(required = false) Integer hours,
            @RequestParam(required = false) Integer days,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return history.boardActivity(
                boardId,
                JsonLimits.instant("since", since),
                JsonLimits.instant("until", until),
                HistoryQueries.activityWindow(since != null && !since.isBlank(), hours, days),
                PageRequest.of(limit, offset));
    }

    @GetMapping("/history/stats")
    HistoryStats stats(
            @RequestParam(required = false) Integer days,
            @RequestParam(name = "board_id", required = false) Long boardId,
            @RequestParam(required = false) String tz) {
        return history.stats(days, boardId, TimeZones.of(tz));
    }
}
