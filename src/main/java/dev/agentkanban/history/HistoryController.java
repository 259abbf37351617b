package dev.agentkanban.history;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.JsonLimits;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.TimeZones;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
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
                instant("since", since),
                instant("until", until),
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

    /** An instant as ISO-8601 with an offset ({@code 2025-01-31T12:00:00Z}) or a date (midnight UTC). */
    static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        Instant read;
        try {
            read = v.length() == 10
                    ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(
                    field, "must be an ISO-8601 date-time with offset (e.g. 2025-01-31T12:00:00Z) or a date");
        }
        if (!JsonLimits.sane(read)) {
            throw ApiException.invalid(field, JsonLimits.OUT_OF_RANGE);
        }
        return read;
    }
}
