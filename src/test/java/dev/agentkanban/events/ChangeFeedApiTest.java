package dev.agentkanban.events;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ChangeFeedApiTest extends ApiTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void feedListsTheWorkspacesEventsInCommitOrderWithTheirData() throws Exception {
        FeedReader reader = FeedReader.fromNow(http, "", jdbc);
        TaskFixtures fixtures = new TaskFixtures(http);
        long board = fixtures.board("Feed order")[0];
        long task = fixtures.task(board, "First task");

        List<JsonNode> events = reader.readUntil(seen -> seen.size() >= 2, WAIT);

        assertThat(events).extracting(e -> e.get("type").asString()).containsExactly("board_created", "task_created");
        JsonNode created = events.get(1);
        assertThat(created.get("board_id").asLong()).isEqualTo(board);
        assertThat(created.get("task_id").asLong()).isEqualTo(task);
        assertThat(created.get("actor").asString()).isEqualTo("tester");
        assertThat(created.get("occurred_at").asString()).endsWith("Z");
        assertThat(created.get("data").get("task").get("title").asString()).isEqualTo("First task");
        assertThat(created.has("workspace_id")).isFalse();
        assertThat(events.get(0).get("event_id").asLong())
                .isLessThan(created.get("event_id").asLong());
    }

    @Test
    void aCursorTheFeedNeverAnsweredAndAnUnknownBoardAreRefused() {
        Response beyond = http.get("/api/v1/events?after=999999999999999999");
        assertThat(beyond.status()).as(beyond.body()).isEqualTo(422);
        assertThat(beyond.json().get("errors").get(0).get("field").asString()).isEqualTo("after");
        assertThat(http.get("/api/v1/events?board_id=987654321").status()).isEqualTo(404);
        long latest = http.get("/api/v1/events?after=latest")
                .json()
                .get("next_cursor")
                .asLong();
        assertThat(http.get("/api/v1/events?after=" + latest).status()).isEqualTo(200);
    }

    @Test
    void followingTheCursorNeverRepeatsAnEvent() throws Exception {
        FeedReader reader = FeedReader.fromNow(http, "", jdbc);
        long board = new TaskFixtures(http).board("Cursor")[0];
        reader.readUntil(seen -> !seen.isEmpty(), WAIT);

        assertThat(reader.drain()).isEmpty();
        Response again = http.get("/api/v1/events?after=" + reader.cursor());
        assertThat(again.json().get("items").size()).isZero();
        assertThat(again.json().get("next_cursor").asLong()).isEqualTo(reader.cursor());
        assertThat(reader.seen()).extracting(e -> e.get("board_id").asLong()).containsExactly(board);
    }

    @Test
    void pagesAreLimitedAndSayWhetherMoreFollow() throws Exception {
        FeedReader reader = FeedReader.fromNow(http, "", jdbc);
        long start = reader.cursor();
        TaskFixtures fixtures = new TaskFixtures(http);
        long board = fixtures.board("Paging")[0];
        fixtures.task(board, "one");
        fixtures.task(board, "two");
        reader.readUntil(seen -> seen.size() >= 3, WAIT);

        Response page = http.get("/api/v1/events?limit=2&after=" + start);
        assertThat(page.json().get("items").size()).isEqualTo(2);
        assertThat(page.json().get("has_more").asBoolean()).isTrue();
        assertThat(page.json().get("next_cursor").asLong())
                .isEqualTo(page.json().get("items").get(1).get("event_id").asLong());
        Response rest = http.get(
                "/api/v1/events?limit=2&after=" + page.json().get("next_cursor").asLong());
        assertThat(rest.json().get("items")).hasSize(1);
        assertThat(rest.json()
                        .get("items")
                        .get(0)
                        .get("data")
                        .get("task")
                        .get("title")
                        .asString())
                .isEqualTo("two");
    }

    @Test
    void boardFilterKeepsOnlyThatBoardsEvents() throws Exception {
        TaskFixtures fixtures = new TaskFixtures(http);
        long red = fixtures.board("Red")[0];
        long blue = fixtures.board("Blue")[0];
        FeedReader redReader = FeedReader.fromNow(http, "&board_id=" + red, jdbc);
        FeedReader all = FeedReader.fromNow(http, "", jdbc);
        fixtures.task(blue, "blue task");
        fixtures.task(red, "red task");
        all.readUntil(seen -> seen.size() >= 2, WAIT);

        List<JsonNode> redEvents = redReader.readUntil(seen -> !seen.isEmpty(), WAIT);

        assertThat(redEvents)
                .extracting(e -> e.get("data").get("task").get("title").asString())
                .containsExactly("red task");
        assertThat(redReader.cursor())
                .isGreaterThanOrEqualTo(redEvents.getFirst().get("event_id").asLong());
    }

    @Test
    void anotherWorkspacesEventsAreNotInTheFeed() throws Exception {
        long other = otherWorkspace("feed-other");
        Http outsider = clientFor("feed-outsider", other, Role.ADMIN);
        FeedReader mine = FeedReader.fromNow(http, "", jdbc);
        FeedReader theirs = FeedReader.fromNow(outsider, "", jdbc);
        Response board = outsider.post("/api/v1/boards", obj("name", "Secret"));
        assertThat(board.status()).as(board.body()).isEqualTo(201);
        new TaskFixtures(http).board("Mine");

        theirs.readUntil(seen -> !seen.isEmpty(), WAIT);
        mine.readUntil(seen -> !seen.isEmpty(), WAIT);

        assertThat(mine.seen())
                .extracting(e -> e.get("data").get("name").asString())
                .containsExactly("Mine");
        assertThat(theirs.seen())
                .extracting(e -> e.get("data").get("name").asString())
                .containsExactly("Secret");
        // another workspace's board is as unknown as a missing one
        assertThat(http.get("/api/v1/events?board_id=" + board.id()).status()).isEqualTo(404);
    }

    /**
     * A change that fails at commit, after its task row, history row and outbox event were all written
     * (a deferred trigger the test puts on the outbox refuses the event of a task titled "poisoned"):
     * none of them remains, and the feed skips the id the event had drawn.
     */
    @Test
    void aRolledBackChangeLeavesNoEvent() throws Exception {
        TaskFixtures fixtures = new TaskFixtures(http);
        long board = fixtures.board("Rollback")[0];
        FeedReader reader = FeedReader.fromNow(http, "&board_id=" + board, jdbc);
        jdbc.sql("""
                create function test_refuse_poisoned() returns trigger language plpgsql as $$
                begin
                    if new.payload->'task'->>'title' = 'poisoned' then
                        raise exception 'refused at commit by the test';
                    end if;
                    return null;
                end
                $$
                """).update();
        jdbc.sql("""
                create constraint trigger test_refuse_poisoned after insert on outbox_events
                deferrable initially deferred for each row execute function test_refuse_poisoned()
                """).update();
        long drawnBefore = drawnEventId();
        try {
            Response failed = http.post("/api/v1/tasks", obj("board_id", board, "title", "poisoned"));
            assertThat(failed.status()).as(failed.body()).isEqualTo(500);
        } finally {
            jdbc.sql("drop trigger test_refuse_poisoned on outbox_events").update();
            jdbc.sql("drop function test_refuse_poisoned()").update();
        }
        assertThat(drawnEventId())
                .as("the failed change had appended its event")
                .isGreaterThan(drawnBefore);
        assertThat(single("select count(*) from tasks where title = 'poisoned'"))
                .as("task rows")
                .isZero();
        assertThat(single("select count(*) from task_history where new_value = 'poisoned'"))
                .as("history rows")
                .isZero();
        assertThat(single("select count(*) from outbox_events where payload->'task'->>'title' = 'poisoned'"))
                .as("events")
                .isZero();
        fixtures.task(board, "after the failure");

        List<JsonNode> events = reader.readUntil(seen -> !seen.isEmpty(), WAIT);

        assertThat(events)
                .extracting(e -> e.get("data").get("task").get("title").asString())
                .containsExactly("after the failure");
    }

    private long drawnEventId() {
        return single("select case when is_called then last_value else 0 end from outbox_events_id_seq");
    }

    private long single(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    @Test
    void latestNamesTheCursorOfTheFeedsEndToFollowFrom() throws Exception {
        TaskFixtures fixtures = new TaskFixtures(http);
        long board = fixtures.board("Latest")[0];
        fixtures.task(board, "before the cursor");
        FeedReader.fromNow(http, "", jdbc); // the feed has caught up with both

        Response latest = http.get("/api/v1/events?after=latest&board_id=" + board);
        assertThat(latest.status()).as(latest.body()).isEqualTo(200);
        assertThat(latest.json().get("items")).isEmpty();
        long cursor = latest.json().get("next_cursor").asLong();
        fixtures.task(board, "after the cursor");

        List<String> titles = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (titles.isEmpty()) {
            assertThat(System.nanoTime())
                    .as("the change after the cursor appears")
                    .isLessThan(deadline);
            JsonNode page = http.get("/api/v1/events?board_id=" + board + "&after=" + cursor)
                    .json();
            page.get("items")
                    .forEach(e ->
                            titles.add(e.get("data").get("task").get("title").asString()));
            cursor = page.get("next_cursor").asLong();
            Thread.sleep(titles.isEmpty() ? 20 : 0); // following the feed, not a synchronisation point
        }
        assertThat(titles).containsExactly("after the cursor");
    }

    @Test
    void badCursorOrLimitIsAValidationError() {
        assertThat(http.get("/api/v1/events?after=-1").status()).isEqualTo(422);
        assertThat(http.get("/api/v1/events?after=abc").status()).isEqualTo(422);
        assertThat(http.get("/api/v1/events?after=99999999999999999999").status())
                .isEqualTo(422);
        assertThat(http.get("/api/v1/events?limit=0").status()).isEqualTo(422);
        assertThat(http.get("/api/v1/events?board_id=x").status()).isEqualTo(422);
        assertThat(http.anonymous().get("/api/v1/events").status()).isEqualTo(401);
    }

    @Test
    void viewersMayReadTheFeed() {
        Http viewer = clientFor("feed-viewer", defaultWorkspace, Role.VIEWER);
        assertThat(viewer.get("/api/v1/events").status()).isEqualTo(200);
    }
}
