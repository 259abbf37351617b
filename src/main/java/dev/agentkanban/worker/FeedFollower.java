package dev.agentkanban.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Follows the API's change feed from the cursor stored in the worker database: each page is applied
 * to the projection, turned into jobs and the cursor advanced, in one transaction (see
 * {@link Projection#ingest}). Reports its position to the API so the API's health can show the lag.
 */
class FeedFollower extends WorkerLoop {

    private static final Logger log = LoggerFactory.getLogger(FeedFollower.class);
    static final int PAGE = 200;
    private static final Duration REPORT_EVERY = Duration.ofSeconds(15);

    private final ApiClient api;
    private final Projection projection;
    private final List<String> agents;
    private final Runnable onJobs;
    private long reported = -1;
    private Instant reportedAt = Instant.EPOCH;

    FeedFollower(ApiClient api, Projection projection, List<String> agents, Duration interval, Runnable onJobs) {
        super("feed", interval);
        this.api = api;
        this.projection = projection;
        this.agents = agents;
        this.onJobs = onJobs;
    }

    @Override
    boolean round() throws ApiClient.Unavailable {
        long from = projection.cursor();
        ApiClient.Answer page = api.events(from, PAGE);
        if (page.status() == 410) {
            long oldest = page.body().path("oldest_cursor").asLong(0);
            log.warn("events after cursor {} were deleted by the API's retention; resuming at {}", from, oldest);
            projection.resetCursor(oldest);
            return true;
        }
        if (page.status() == 422
                && "after"
                        .equals(page.body().path("errors").path(0).path("field").asString(""))) {
            // a cursor beyond the feed's end: the API's database was restored or replaced
            log.warn("cursor {} lies beyond the API's change feed (its database was restored?); starting over", from);
            projection.resetCursor(0);
            return true;
        }
        if (!page.ok()) {
            throw new IllegalStateException("GET /api/v1/events answered " + page.status() + ": "
                    + (page.body() == null ? "" : page.body().path("detail").asString("")));
        }
        List<JsonNode> items = new ArrayList<>();
        page.body().get("items").forEach(items::add);
        long next = page.body().get("next_cursor").asLong();
        boolean more = page.body().path("has_more").asBoolean(false);
        if (items.isEmpty() && next == from) {
            report(from);
            return false;
        }
        Optional<Integer> jobs = projection.ingest(from, next, items, agents);
        if (jobs.isEmpty()) {
            return true; // another worker advanced the cursor meanwhile: read on from where it is now
        }
        if (jobs.get() > 0) {
            onJobs.run();
        }
        report(next);
        return more;
    }

    /** Tells the API the position now and then; a failure only delays the next report. */
    private void report(long cursor) {
        Instant now = Instant.now();
        if (cursor == reported && now.isBefore(reportedAt.plus(REPORT_EVERY))) {
            return;
        }
        try {
            ApiClient.Answer a = api.reportProgress(cursor);
            if (a.ok()) {
                reported = cursor;
                reportedAt = now;
            }
        } catch (ApiClient.Unavailable e) {
            log.debug("progress report failed: {}", e.getMessage());
        }
    }
}
