package dev.agentkanban.events;

import dev.agentkanban.platform.ApiException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/events?after=&limit=&board_id=}: the workspace's change feed. */
@RestController
class EventController {

    private final ChangeFeed feed;

    EventController(ChangeFeed feed) {
        this.feed = feed;
    }

    @GetMapping("/api/v1/events")
    FeedPage events(@RequestParam(required = false) Long after, @RequestParam(required = false) Integer limit,
            @RequestParam(name = "board_id", required = false) Long boardId) {
        if (after != null && after < 0) {
            throw ApiException.invalid("after", "must not be negative");
        }
        if (limit != null && limit < 1) {
            throw ApiException.invalid("limit", "must be at least 1");
        }
        int l = limit == null ? ChangeFeed.DEFAULT_LIMIT : Math.min(limit, ChangeFeed.MAX_LIMIT);
        return feed.read(after, boardId, l);
    }
}
