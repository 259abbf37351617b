package dev.agentkanban.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A change-feed client for tests: follows {@code next_cursor} exactly as a real reader would and keeps
 * everything it was handed, so tests can assert "nothing missed, nothing twice".
 */
final class FeedReader {

    private final Http http;
    private final String filter;
    private long cursor;
    private final List<JsonNode> seen = new ArrayList<>();

    private FeedReader(Http http, String filter, long cursor) {
        this.http = http;
        this.filter = filter;
        this.cursor = cursor;
    }

    /**
     * A reader positioned at the current end of the feed: past every outbox id drawn so far (waiting,
     * if need be, until the feed has caught up with transactions still open elsewhere on the server).
     */
    static FeedReader fromNow(Http http, String filter, JdbcClient jdbc) throws InterruptedException {
        long drawn = jdbc.sql(
                        "select case when is_called then last_value else last_value - 1 end from outbox_events_id_seq")
                .query(Long.class)
                .single();
        FeedReader reader = new FeedReader(http, filter, 0);
        Response first = http.get("/api/v1/events?limit=1" + filter);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (reader.cursor < drawn) {
            assertThat(System.nanoTime())
                    .as("the feed catches up with id " + drawn)
                    .isLessThan(deadline);
            reader.drain();
            Thread.sleep(5);
        }
        reader.seen.clear();
        return reader;
    }

    /** Reads pages until the feed has nothing more right now; returns what this call read. */
    List<JsonNode> drain() {
        List<JsonNode> read = new ArrayList<>();
        while (true) {
            Response r = http.get("/api/v1/events?limit=100&after=" + cursor + filter);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode page = r.json();
            page.get("items").forEach(read::add);
            long next = page.get("next_cursor").asLong();
            assertThat(next).as("the cursor never moves backwards").isGreaterThanOrEqualTo(cursor);
            cursor = next;
            if (!page.get("has_more").asBoolean()) {
                break;
            }
        }
        seen.addAll(read);
        return read;
    }

    /** Reads until what it has seen in total satisfies {@code done}, or fails after the timeout. */
    List<JsonNode> readUntil(Predicate<List<JsonNode>> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            drain();
            if (done.test(seen)) {
                return seen;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "the feed did not deliver the expected events in " + timeout + "; seen: " + seen);
            }
            Thread.sleep(20); // polling interval of a feed client, not a synchronisation point
        }
    }

    List<JsonNode> seen() {
        return seen;
    }

    List<Long> seenIds() {
        return seen.stream().map(e -> e.get("event_id").asLong()).toList();
    }

    long cursor() {
        return cursor;
    }
}
