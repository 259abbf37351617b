package dev.agentkanban.hint;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.SqlTasks;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class HintApiTest extends ApiTest {

    TaskFixtures fx;
    long board;

    @BeforeAll
    void fixtures() {
        fx = new TaskFixtures(http);
        board = fx.board("Hinted")[0];
    }

    private Response hint(long task, Object... body) {
        return http.post("/api/v1/tasks/" + task + "/hints", obj(body));
    }

    private long priorityHint(long task) {
        Response r = hint(
                task,
                "type",
                "priority",
                "message",
                "mentions a crash",
                "suggestion",
                obj("priority", "high"),
                "source",
                "worker:priority");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.id();
    }

    @Test
    void aNewHintIsCreatedWithItsLocationAuditedAndAnnounced() {
        long task = fx.task(board, "App crashes on start");
        long events = count("outbox_events");
        long history = count("task_history");

        Response r = hint(
                task,
                "type",
                "priority",
                "message",
                "  mentions a crash  ",
                "suggestion",
                obj("priority", "high"),
                "source",
                "worker:priority",
                "source_key",
                "draft-1");

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        long id = r.id();
        assertThat(r.header("Location")).hasValue("/api/v1/hints/" + id);
        JsonNode h = r.json();
        assertThat(h.get("task_id").asLong()).isEqualTo(task);
        assertThat(h.get("type").asString()).isEqualTo("priority");
        assertThat(h.get("status").asString()).isEqualTo("pending");
        assertThat(h.get("message").asString()).isEqualTo("mentions a crash");
        assertThat(h.get("suggestion").get("priority").asString()).isEqualTo("high");
        assertThat(h.get("source").asString()).isEqualTo("worker:priority");
        assertThat(h.get("source_key").asString()).isEqualTo("draft-1");
        assertThat(h.get("resolved_at").isNull()).isTrue();
        assertThat(count("outbox_events")).isEqualTo(events + 1);
        assertThat(count("task_history")).isEqualTo(history + 1);
        assertThat(lastHistory(task)).isEqualTo("hint_added|priority|" + id + "|tester");

        // the change feed hands the event out once every earlier transaction has ended
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode feed = http.get("/api/v1/events?board_id=" + board + "&limit=500")
                    .json()
                    .get("items");
            assertThat(feed).isNotEmpty();
            JsonNode event = feed.get(feed.size() - 1);
            assertThat(event.get("type").asString()).isEqualTo("hints_available");
            assertThat(event.get("task_id").asLong()).isEqualTo(task);
            assertThat(event.get("data").get("change").asString()).isEqualTo("created");
            assertThat(event.get("data").get("pending").asLong()).isEqualTo(1);
            assertThat(event.get("data").get("hint").get("id").asLong()).isEqualTo(id);
        });
        assertThat(http.get("/api/v1/hints/" + id).json().get("message").asString())
                .isEqualTo("mentions a crash");
    }

    @Test
    void theSourceDefaultsToTheCaller() {
        long task = fx.task(board, "Defaults");
        Response r = hint(task, "type", "stale", "message", "nobody touched it");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("source").asString()).isEqualTo("tester");
        assertThat(r.json().get("suggestion").isObject()).isTrue();
    }

    @Test
    void aRepeatedSourceKeyAnswersTheExistingHintAndWritesNothing() {
        long task = fx.task(board, "Retried push");
        Response first = hint(
                task,
                "type",
                "title",
                "message",
                "too short",
                "suggestion",
                obj("title", "A longer title"),
                "source_key",
                "draft-retry");
        long hints = count("hints");
        long events = count("outbox_events");

        Response again = hint(
                task,
                "type",
                "title",
                "message",
                "too short",
                "suggestion",
                obj("title", "A longer title"),
                "source_key",
                "draft-retry");

        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(count("hints")).isEqualTo(hints);
        assertThat(count("outbox_events")).isEqualTo(events);

        long other = fx.task(board, "Another task");
        Response elsewhere = hint(other, "type", "stale", "message", "m", "source_key", "draft-retry");
        assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(409);
        assertThat(count("hints")).isEqualTo(hints);
    }

    @Test
    void aSuggestionPendingOrDismissedAlreadyIsNotMadeAgain() {
        long task = fx.task(board, "Analysed twice");
        long first = priorityHint(task);
        long hints = count("hints");
        long events = count("outbox_events");

        // the worker analyses the task again after a change: the same suggestion, another source key
        Response pending = hint(
                task,
                "type",
                "priority",
                "message",
                "still mentions a crash",
                "suggestion",
                obj("priority", "high"),
                "source_key",
                "draft-second");
        assertThat(pending.status()).as(pending.body()).isEqualTo(200);
        assertThat(pending.id()).isEqualTo(first);

        http.post("/api/v1/hints/" + first + "/dismiss", null);
        events = count("outbox_events");
        Response dismissed = hint(
                task,
                "type",
                "priority",
                "message",
                "mentions a crash",
                "suggestion",
                obj("priority", "high"),
                "source_key",
                "draft-third");
        assertThat(dismissed.status()).as(dismissed.body()).isEqualTo(200);
        assertThat(dismissed.id()).isEqualTo(first);
        assertThat(dismissed.json().get("status").asString()).isEqualTo("dismissed");
        assertThat(count("hints")).isEqualTo(hints);
        assertThat(count("outbox_events")).isEqualTo(events);

        // another suggestion, or the same one for another task, is a new hint
        Response other = hint(task, "type", "priority", "message", "urgent", "suggestion", obj("priority", "urgent"));
        assertThat(other.status()).as(other.body()).isEqualTo(201);
        long elsewhere = fx.task(board, "Another analysed task");
        assertThat(hint(elsewhere, "type", "priority", "message", "m", "suggestion", obj("priority", "high"))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void concurrentPushesOfOneSourceKeyCreateOneHint() throws Exception {
        long task = fx.task(board, "Raced push");
        long hints = count("hints");
        int n = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Integer>> pushes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pushes.add(() -> {
                start.await();
                return hint(task, "type", "stale", "message", "raced", "source_key", "draft-raced")
                        .status();
            });
        }
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            List<Future<Integer>> futures = pushes.stream().map(pool::submit).toList();
            start.countDown();
            for (Future<Integer> f : futures) {
                statuses.add(f.get());
            }
        }
        assertThat(statuses).containsOnly(200, 201).containsOnlyOnce(201);
        assertThat(count("hints")).isEqualTo(hints + 1);
    }

    @Test
    void hintsAreListedOldestFirstAndFilteredByStatus() {
        long task = fx.task(board, "Listed");
        long a = priorityHint(task);
        long b = hint(task, "type", "stale", "message", "untouched").id();
        http.post("/api/v1/hints/" + a + "/dismiss", null);

        JsonNode all = http.get("/api/v1/tasks/" + task + "/hints").json();
        assertThat(all.get("total").asLong()).isEqualTo(2);
        assertThat(all.get("items").findValuesAsString("status")).containsExactly("dismissed", "pending");
        JsonNode pending =
                http.get("/api/v1/tasks/" + task + "/hints?status=pending").json();
        assertThat(pending.get("items")).extracting(i -> i.get("id").asLong()).containsExactly(b);
        assertThat(http.get("/api/v1/tasks/" + task + "/hints?status=maybe").status())
                .isEqualTo(422);
        assertThat(http.get("/api/v1/tasks/987654/hints").status()).isEqualTo(404);
    }

    @Test
    void applyingAFieldHintIsATaskEditWithVersionHistoryEventAndEtag() {
        long task = fx.task(board, "Server crash at login");
        long id = priorityHint(task);
        JsonNode before = fx.get(task);

        Response r = http.post(
                "/api/v1/hints/" + id + "/apply",
                null,
                "If-Match",
                "\"" + before.get("version").asLong() + "\"");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long version = before.get("version").asLong() + 1;
        assertThat(r.header("ETag")).hasValue("\"" + version + "\"");
        assertThat(r.json().get("task").get("priority").asString()).isEqualTo("high");
        assertThat(r.json().get("task").get("version").asLong()).isEqualTo(version);
        assertThat(r.json().get("hint").get("status").asString()).isEqualTo("applied");
        assertThat(r.json().get("hint").get("resolved_by").asString()).isEqualTo("tester");
        assertThat(r.json().get("hint").get("resolved_at").isNull()).isFalse();
        assertThat(fx.get(task).get("priority").asString()).isEqualTo("high");
        assertThat(history(task)).contains("updated|priority|high|tester", "hint_applied|priority|" + id + "|tester");
        assertThat(eventTypes(task)).containsSubsequence("task_updated", "hints_available");

        Response twice = http.post("/api/v1/hints/" + id + "/apply", null);
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.json().get("type").asString()).endsWith("/hint-resolved");
        // one "status" in the problem, the HTTP status (the raw body: a parser keeps only the last of two)
        assertThat(twice.body().split("\"status\"", -1)).hasSize(2);
        assertThat(twice.json().get("status").asInt()).isEqualTo(409);
        assertThat(twice.json().get("hint_status").asString()).isEqualTo("applied");
        assertThat(fx.get(task).get("version").asLong()).isEqualTo(version);
    }

    @Test
    void aTitleHintReplacesTheTitleAndADescriptionHintFillsBothFields() {
        long task = fx.task(board, "fix");
        long title = hint(
                        task, "type", "title", "message", "vague", "suggestion", obj("title", "Fix the login redirect"))
                .id();
        long text = hint(
                        task,
                        "type",
                        "description",
                        "message",
                        "no criteria",
                        "suggestion",
                        obj("description", "What happens", "acceptance_criteria", "- [ ] it works"))
                .id();

        assertThat(http.post("/api/v1/hints/" + title + "/apply", null).status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/hints/" + text + "/apply", null).status()).isEqualTo(200);

        JsonNode t = fx.get(task);
        assertThat(t.get("title").asString()).isEqualTo("Fix the login redirect");
        assertThat(t.get("description").asString()).isEqualTo("What happens");
        assertThat(t.get("acceptance_criteria").asString()).isEqualTo("- [ ] it works");
    }

    /** A field hint applied without If-Match does not overwrite what someone wrote after it was made. */
    @Test
    void anOutdatedFieldHintDoesNotOverwriteALaterEditUnlessAppliedWithTheCurrentVersion() {
        long task = fx.task(board, "backup fails");
        long text = hint(
                        task, "type", "description", "message", "empty", "suggestion", obj("description", "## Context"))
                .id();
        assertThat(http.patch("/api/v1/tasks/" + task, obj("description", "Nightly backup fails: disk full"))
                        .status())
                .isEqualTo(200);

        Response outdated = http.post("/api/v1/hints/" + text + "/apply", null);
        assertThat(outdated.status()).as(outdated.body()).isEqualTo(409);
        assertThat(outdated.json().get("type").asString()).endsWith("hint-outdated");
        assertThat(fx.get(task).get("description").asString()).isEqualTo("Nightly backup fails: disk full");

        long version = fx.get(task).get("version").asLong();
        Response onPurpose = http.post("/api/v1/hints/" + text + "/apply", null, "If-Match", "\"" + version + "\"");
        assertThat(onPurpose.status()).as(onPurpose.body()).isEqualTo(200);
        assertThat(fx.get(task).get("description").asString()).isEqualTo("## Context");
    }

    @Test
    void applyingATagsHintAddsTheTagsAndCreatesMissingOnes() {
        long task = fx.task(board, "Tagged", "tags", List.of("feature"));
        long tags = count("tags");
        long id = hint(
                        task,
                        "type",
                        "tags",
                        "message",
                        "looks like a bug",
                        "suggestion",
                        obj("tags", List.of("BUG", "login")))
                .id();

        Response r = http.post("/api/v1/hints/" + id + "/apply", null);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("task").get("tags").findValuesAsString("name"))
                .containsExactlyInAnyOrder("feature", "bug", "login");
        assertThat(count("tags")).isEqualTo(tags + 1);
        assertThat(eventTypes(task)).containsSubsequence("tags_changed", "hints_available");
        assertThat(history(task)).contains("hint_applied|tags|" + id + "|tester");
    }

    @Test
    void anInformationalHintOnlyBecomesApplied() {
        long task = fx.task(board, "Same as another");
        long version = fx.get(task).get("version").asLong();
        long id = hint(task, "type", "duplicate", "message", "same title as #1", "suggestion", obj("duplicate_of", 1))
                .id();

        Response r = http.post("/api/v1/hints/" + id + "/apply", null);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("hint").get("status").asString()).isEqualTo("applied");
        assertThat(fx.get(task).get("version").asLong()).isEqualTo(version);
    }

    @Test
    void applyingAnActionsHintCreatesTheProposedChecklistItemsAndSubtasks() {
        long task = fx.task(board, "Organise the meetup");
        http.post("/api/v1/tasks/" + task + "/checklist", obj("text", "pick a date"));
        long version = fx.get(task).get("version").asLong();
        long id = hint(
                        task,
                        "type",
                        "actions",
                        "message",
                        "split it",
                        "suggestion",
                        obj(
                                "action",
                                "split",
                                "checklist",
                                List.of("book the room", " order pizza "),
                                "subtasks",
                                List.of("find speakers", "announce it")))
                .id();
        long history = count("task_history");

        Response r = http.post("/api/v1/hints/" + id + "/apply", null, "If-Match", "\"" + version + "\"");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode after = r.json().get("task");
        assertThat(after.get("checklist").get("total").asLong()).isEqualTo(3);
        assertThat(after.get("subtasks").get("total").asLong()).isEqualTo(2);
        assertThat(after.get("version").asLong()).isGreaterThan(version);
        assertThat(http.get("/api/v1/tasks/" + task + "/checklist")
                        .json()
                        .get("items")
                        .valueStream()
                        .map(i -> i.get("text").asString()))
                .containsExactly("pick a date", "book the room", "order pizza");
        JsonNode children = http.get("/api/v1/tasks?parent_id=" + task).json().get("items");
        assertThat(children.valueStream().map(c -> c.get("title").asString()))
                .containsExactlyInAnyOrder("find speakers", "announce it");
        assertThat(children.valueStream().map(c -> c.get("board_id").asLong())).containsOnly(board);
        // each creation is audited like its API: two checklist rows, two subtasks created, the hint applied
        assertThat(history(task)).contains("hint_applied|actions|" + id + "|tester");
        assertThat(count("task_history") - history).isGreaterThanOrEqualTo(2 + 2 + 1);

        // a malformed proposal is refused when the hint is created
        for (Object bad : List.of(List.of(), "one item", List.of(" "), List.of("x".repeat(501)), List.of(1, 2))) {
            Response refused = hint(task, "type", "actions", "message", "split", "suggestion", obj("checklist", bad));
            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
            assertThat(refused.body()).contains("suggestion.checklist");
        }
        Response tooMany = hint(
                task,
                "type",
                "actions",
                "message",
                "split",
                "suggestion",
                obj("subtasks", java.util.Collections.nCopies(51, "piece")));
        assertThat(tooMany.status()).isEqualTo(422);
    }

    @Test
    void aStaleIfMatchIs412AndChangesNothing() {
        long task = fx.task(board, "Edited meanwhile");
        long field = priorityHint(task);
        long info = hint(task, "type", "wip", "message", "over the limit").id();
        long events = count("outbox_events");

        for (long id : new long[] {field, info}) {
            Response r = http.post("/api/v1/hints/" + id + "/apply", null, "If-Match", "\"99\"");
            assertThat(r.status()).as(r.body()).isEqualTo(412);
            assertThat(http.get("/api/v1/hints/" + id).json().get("status").asString())
                    .isEqualTo("pending");
        }
        assertThat(fx.get(task).get("priority").asString()).isEqualTo("medium");
        assertThat(count("outbox_events")).isEqualTo(events);
    }

    @Test
    void aDismissedHintCannotBeAppliedOrDismissedAgain() {
        long task = fx.task(board, "Dismissed");
        long id = priorityHint(task);

        Response r = http.post("/api/v1/hints/" + id + "/dismiss", null);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("dismissed");
        assertThat(r.json().get("resolved_by").asString()).isEqualTo("tester");
        assertThat(lastHistory(task)).isEqualTo("hint_dismissed|priority|" + id + "|tester");
        assertThat(http.post("/api/v1/hints/" + id + "/apply", null).status()).isEqualTo(409);
        assertThat(http.post("/api/v1/hints/" + id + "/dismiss", null).status()).isEqualTo(409);
        assertThat(fx.get(task).get("priority").asString()).isEqualTo("medium");
    }

    @Test
    void aViewerReadsHintsButCannotWriteThem() {
        long task = fx.task(board, "Viewed");
        long id = priorityHint(task);
        Http viewer = clientFor("hint-viewer", defaultWorkspace, Role.VIEWER);
        long hints = count("hints");

        assertThat(viewer.get("/api/v1/tasks/" + task + "/hints").status()).isEqualTo(200);
        assertThat(viewer.get("/api/v1/hints/" + id).status()).isEqualTo(200);
        assertThat(viewer.post("/api/v1/tasks/" + task + "/hints", obj("type", "stale", "message", "m"))
                        .status())
                .isEqualTo(403);
        assertThat(viewer.post("/api/v1/hints/" + id + "/apply", null).status()).isEqualTo(403);
        assertThat(viewer.post("/api/v1/hints/" + id + "/dismiss", null).status())
                .isEqualTo(403);
        assertThat(count("hints")).isEqualTo(hints);
        assertThat(http.get("/api/v1/hints/" + id).json().get("status").asString())
                .isEqualTo("pending");
    }

    @Test
    void hintsOfAnotherWorkspaceAreInvisible() {
        SqlTasks sql = new SqlTasks(jdbc);
        long otherWs = sql.otherWorkspace();
        long foreignTask = sql.task(otherWs, "Secret");
        long foreignHint = jdbc.sql("""
                insert into hints (workspace_id, task_id, type, message, source) values (:ws, :task, 'stale', 'old', 'eve')
                returning id
                """)
                .param("ws", otherWs)
                .param("task", foreignTask)
                .query(Long.class)
                .single();

        assertThat(http.get("/api/v1/tasks/" + foreignTask + "/hints").status()).isEqualTo(404);
        assertThat(http.post("/api/v1/tasks/" + foreignTask + "/hints", obj("type", "stale", "message", "m"))
                        .status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/hints/" + foreignHint).status()).isEqualTo(404);
        assertThat(http.post("/api/v1/hints/" + foreignHint + "/apply", null).status())
                .isEqualTo(404);
        assertThat(http.post("/api/v1/hints/" + foreignHint + "/dismiss", null).status())
                .isEqualTo(404);
        assertThat(jdbc.sql("select status from hints where id = :id")
                        .param("id", foreignHint)
                        .query(String.class)
                        .single())
                .isEqualTo("pending");
    }

    @Test
    void aSuggestionThatDoesNotFitItsTypeIs422() {
        long task = fx.task(board, "Validated");
        long hints = count("hints");
        Map<String, Object[]> cases = Map.of(
                "suggestion", new Object[] {"type", "priority", "message", "m", "suggestion", obj("title", "x")},
                "suggestion.priority",
                        new Object[] {"type", "priority", "message", "m", "suggestion", obj("priority", "extreme")},
                "suggestion.title",
                        new Object[] {"type", "title", "message", "m", "suggestion", obj("title", "x".repeat(501))},
                "suggestion.tags",
                        new Object[] {"type", "tags", "message", "m", "suggestion", obj("tags", List.of(" "))},
                "type", new Object[] {"type", "mood", "message", "m"},
                "message", new Object[] {"type", "stale", "message", "  "});
        cases.forEach((field, body) -> {
            Response r = hint(task, body);
            assertThat(r.status()).as(field + ": " + r.body()).isEqualTo(422);
            assertThat(r.json().get("errors").findValuesAsString("field"))
                    .as(r.body())
                    .contains(field);
        });
        assertThat(count("hints")).isEqualTo(hints);
    }

    private List<String> history(long task) {
        return jdbc.sql("""
                select concat_ws('|', action, coalesce(field, 'null'), new_value, actor) from task_history
                where task_id = :task order by id
                """).param("task", task).query(String.class).list();
    }

    private String lastHistory(long task) {
        return history(task).getLast();
    }

    private List<String> eventTypes(long task) {
        return jdbc.sql("select type from outbox_events where task_id = :task order by id")
                .param("task", task)
                .query(String.class)
                .list();
    }
}
