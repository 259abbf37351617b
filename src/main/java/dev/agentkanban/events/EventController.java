package dev.agentkanban.events;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Ids;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/events?after=&limit=&board_id=}: the workspace's change feed. {@code after=latest}
 * answers no events and the cursor of the feed's current end, where a reader that has just loaded the
 * state starts following it.
 */
@RestController
class EventController {

    private final ChangeFeed feed;

    EventController(ChangeFeed feed) {
        this.feed = feed;
    }

    @GetMapping("/api/v1/events")
    FeedPage events(
            @RequestParam(required = false) String after,
            @RequestParam(required = false) Integer limit,
            @RequestParam(name = "board_id", required = false) Long boardId) {
        if (limit != null && limit < 1) {
            throw ApiException.invalid("limit", "must be at least 1");
        }
        if ("latest".equals(after)) {
            return feed.latest();
        }
        Long cursor = after == null ? null : Ids.parse(after);
        if (after != null && cursor == null) {
            throw ApiException.invalid("after", "must be a cursor (a non-negative event id) or 'latest'");
        }
        int l = limit == null ? ChangeFeed.DEFAULT_LIMIT : Math.min(limit, ChangeFeed.MAX_LIMIT);
        return feed.read(cursor, boardId, l);
    }
}
