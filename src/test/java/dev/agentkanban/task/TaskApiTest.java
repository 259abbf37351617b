package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TaskApiTest extends ApiTest {

    TaskFixtures fx;

    @BeforeAll
    void fixtures() {
        fx = new TaskFixtures(http);
    }

    @Test
    void creatingATaskReturnsItWithLocationEtagAndDefaults() {
        long[] b = fx.board("Create");
        Response r = http.post("/api/v1/tasks", obj("board_id", b[0], "title", "  Write docs  "));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Location")).hasValue("/api/v1/tasks/" + r.id());
        assertThat(r.header("ETag")).hasValue("\"1\"");
        JsonNode t = r.json();
        assertThat(t.get("title").asString()).isEqualTo("Write docs");
        assertThat(t.get("priority").asString()).isEqualTo("medium");
        assertThat(t.get("status").asString()).isEqualTo("pending");
        assertThat(t.get("column_id").asLong()).isEqualTo(b[1]);
        assertThat(t.get("occurrence_count").asInt()).isEqualTo(1);
        assertThat(t.get("created_by").asString()).isEqualTo("tester");
        assertThat(t.get("overdue").asBoolean()).isFalse();
    }

    @Test
    void tagsNamedOnCreateAreAttachedAndUnknownOnesCreated() {
        long[] b = fx.board("Create with tags");
        Response r = http.post(
                "/api/v1/tasks", obj("board_id", b[0], "title", "tagged", "tags", List.of("Bug", "brand-new")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("tags").findValuesAsString("name")).containsExactlyInAnyOrder("bug", "brand-new");
        assertThat(jdbc.sql("select count(*) from tags where name = 'brand-new'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void seedAliasesAndCriticalPriorityAreAccepted() {
        long[] b = fx.board("Aliases");
        Response r = http.post(
                "/api/v1/tasks",
                obj(
                        "board_id",
                        b[0],
                        "content",
                        "Legacy",
                        "section",
                        "In Progress",
                        "priority",
                        "critical",
                        "assigned_to",
                        "sam"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("title").asString()).isEqualTo("Legacy");
        assertThat(r.json().get("column_id").asLong()).isEqualTo(b[3]);
        assertThat(r.json().get("priority").asString()).isEqualTo("urgent");
        assertThat(r.json().get("assignee").asString()).isEqualTo("sam");
    }

    @Test
    void withoutBoardIdATaskGoesToTheWorkspacesOnlyBoardAndWithSeveralIs422() {
        // seed 003 creates tasks with no board: a workspace of one board means that board
        long ws = otherWorkspace("one-board");
        Http tenant = clientFor("one-board-admin", ws, Role.ADMIN);
        assertThat(tenant.post("/api/v1/tasks", obj("title", "no board yet"), "X-Tenant-Id", "one-board")
                        .status())
                .isEqualTo(422);
        long board = tenant.post("/api/v1/boards", obj("name", "Only"), "X-Tenant-Id", "one-board")
                .id();
        Response r = tenant.post(
                "/api/v1/tasks", obj("title", "Irrigate field 3", "priority", "high"), "X-Tenant-Id", "one-board");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("board_id").asLong()).isEqualTo(board);
        assertThat(r.json().get("column").asString()).isEqualTo("Backlog");
        Response done = tenant.post(
                "/api/v1/tasks", obj("title", "Done already", "column", "Done"), "X-Tenant-Id", "one-board");
        assertThat(done.status()).as(done.body()).isEqualTo(201);
        assertThat(done.json().get("status").asString()).isEqualTo("completed");
        tenant.post("/api/v1/boards", obj("name", "Second"), "X-Tenant-Id", "one-board");
        long before = count("tasks");
        Response ambiguous = tenant.post("/api/v1/tasks", obj("title", "which board?"), "X-Tenant-Id", "one-board");
        assertThat(ambiguous.status()).isEqualTo(422);
        assertThat(ambiguous.json().get("errors").get(0).get("field").asString())
                .isEqualTo("board_id");
        assertThat(count("tasks")).isEqualTo(before);
    }

    @Test
    void creatingInAnUnknownColumnNamesTheValidOnesAndCreatesNothing() {
        long[] b = fx.board("Unknown column");
        long before = count("tasks");
        Response r = http.post("/api/v1/tasks", obj("board_id", b[0], "title", "x", "column", "Nowhere"));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("detail").asString()).contains("Backlog", "To Do", "In Progress", "Done");
        assertThat(count("tasks")).isEqualTo(before);
    }

    @Test
    void unknownTaskIs404() {
        assertThat(http.get("/api/v1/tasks/987654").status()).isEqualTo(404);
        assertThat(http.patch("/api/v1/tasks/987654", obj("title", "x")).status())
                .isEqualTo(404);
        assertThat(http.delete("/api/v1/tasks/987654").status()).isEqualTo(404);
        assertThat(http.post("/api/v1/tasks/987654/move", obj("column", "Done")).status())
                .isEqualTo(404);
    }

    @Test
    void patchChangesOnlyTheFieldsSentAndNullClears() {
        long[] b = fx.board("Patch");
        long id = fx.task(b[0], "Original", "epic", "Docs", "assignee", "ann", "description", "keep me");
        Response r = http.patch("/api/v1/tasks/" + id, obj("title", "Renamed", "assignee", null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("title").asString()).isEqualTo("Renamed");
        assertThat(r.json().get("assignee").isNull()).isTrue();
        assertThat(r.json().get("epic").asString()).isEqualTo("Docs");
        assertThat(r.json().get("description").asString()).isEqualTo("keep me");
        assertThat(r.json().get("version").asLong()).isEqualTo(2);
        assertThat(r.header("ETag")).hasValue("\"2\"");
    }

    @Test
    void putReplacesTheEditableFields() {
        long[] b = fx.board("Put");
        long id = fx.task(b[0], "Original", "epic", "Docs", "priority", "high");
        Response r = http.put("/api/v1/tasks/" + id, obj("title", "Replaced"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("epic").isNull()).isTrue();
        assertThat(r.json().get("priority").asString()).isEqualTo("medium");
        assertThat(http.put("/api/v1/tasks/" + id, obj("epic", "x")).status()).isEqualTo(422);
    }

    @Test
    void aStaleIfMatchIsRefusedWith412AndChangesNothing() {
        long[] b = fx.board("Stale");
        long id = fx.task(b[0], "v1");
        assertThat(http.patch("/api/v1/tasks/" + id, obj("title", "v2"), "If-Match", "\"1\"")
                        .status())
                .isEqualTo(200);
        Response stale = http.patch("/api/v1/tasks/" + id, obj("title", "v3"), "If-Match", "\"1\"");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(fx.get(id).get("title").asString()).isEqualTo("v2");
        assertThat(http.delete("/api/v1/tasks/" + id, "If-Match", "\"1\"").status())
                .isEqualTo(412);
        assertThat(http.get("/api/v1/tasks/" + id).status()).isEqualTo(200);
    }

    @Test
    void movingWithinAColumnByIndexBeforeAndAfterPersistsTheOrder() {
        long[] b = fx.board("Order");
        long a = fx.task(b[0], "a");
        long bb = fx.task(b[0], "b");
        long c = fx.task(b[0], "c");
        assertThat(fx.order(b[1])).containsExactly(a, bb, c);
        assertThat(http.post("/api/v1/tasks/" + c + "/move", obj("position", 0)).status())
                .isEqualTo(200);
        assertThat(fx.order(b[1])).containsExactly(c, a, bb);
        assertThat(http.post("/api/v1/tasks/" + c + "/move", obj("after_id", a)).status())
                .isEqualTo(200);
        assertThat(fx.order(b[1])).containsExactly(a, c, bb);
        assertThat(http.post("/api/v1/tasks/" + bb + "/move", obj("before_id", a))
                        .status())
                .isEqualTo(200);
        assertThat(fx.order(b[1])).containsExactly(bb, a, c);
        assertThat(http.post("/api/v1/tasks/" + a + "/move", obj("position", 99))
                        .status())
                .isEqualTo(200);
        assertThat(fx.order(b[1])).containsExactly(bb, c, a);
    }

    @Test
    void aReorderDoesNotBumpTheVersion() {
        long[] b = fx.board("Reorder version");
        long a = fx.task(b[0], "a");
        fx.task(b[0], "b");
        Response r = http.post("/api/v1/tasks/" + a + "/move", obj("position", 1));
        assertThat(r.json().get("version").asLong()).isEqualTo(1);
    }

    @Test
    void manyInsertionsAtOneSpotRebalanceTheColumnAndKeepTheOrder() {
        long[] b = fx.board("Rebalance");
        long first = fx.task(b[0], "first");
        long last = fx.task(b[0], "last");
        List<Long> expected = new java.util.ArrayList<>(List.of(first));
        for (int i = 0; i < 40; i++) {
            long id = fx.task(b[0], "t" + i);
            assertThat(http.post("/api/v1/tasks/" + id + "/move", obj("before_id", last))
                            .status())
                    .isEqualTo(200);
            expected.add(id);
        }
        expected.add(last);
        assertThat(fx.order(b[1])).containsExactlyElementsOf(expected);
    }

    @Test
    void renumberingAColumnIsAnnouncedAsOneBulkUpdateBeforeTheMove() throws InterruptedException {
        long[] b = fx.board("Renumbered");
        long first = fx.task(b[0], "first");
        long second = fx.task(b[0], "second");
        long third = fx.task(b[0], "third");
        // no room left between first and second
        jdbc.sql("update tasks set position = id - :first + 1 where id in (:a, :b)")
                .param("first", first)
                .param("a", first)
                .param("b", second)
                .update();
        long cursor = http.get("/api/v1/events?after=latest")
                .json()
                .get("next_cursor")
                .asLong();

        assertThat(http.post("/api/v1/tasks/" + third + "/move", obj("after_id", first))
                        .status())
                .isEqualTo(200);

        List<JsonNode> events = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (events.size() < 2) {
            assertThat(System.nanoTime())
                    .as("events after the move: %s", events)
                    .isLessThan(deadline);
            JsonNode page = http.get("/api/v1/events?board_id=" + b[0] + "&after=" + cursor)
                    .json();
            page.get("items").forEach(events::add);
            cursor = page.get("next_cursor").asLong();
            Thread.sleep(events.size() < 2 ? 20 : 0); // following the feed, not a synchronisation point
        }
        assertThat(events).extracting(e -> e.get("type").asString()).containsExactly("bulk_update", "task_moved");
        assertThat(events.get(0).get("data").get("operation").asString()).isEqualTo("renumber");
        assertThat(events.get(0).get("data").get("column_id").asLong()).isEqualTo(b[1]);
        assertThat(fx.order(b[1])).containsExactly(first, third, second);
    }

    @Test
    void movingIntoDoneCompletesAndMovingOutReopens() {
        long[] b = fx.board("Done rule");
        long id = fx.task(b[0], "ship it");
        Response done = http.post("/api/v1/tasks/" + id + "/move", obj("column_id", b[4]));
        assertThat(done.json().get("status").asString()).isEqualTo("completed");
        assertThat(done.json().get("completed_at").isNull()).isFalse();
        Response back = http.post("/api/v1/tasks/" + id + "/move", obj("column", "In Progress"));
        assertThat(back.json().get("status").asString()).isEqualTo("in_progress");
        assertThat(back.json().get("completed_at").isNull()).isTrue();
        Response todo = http.post("/api/v1/tasks/" + id + "/move", obj("column", "To Do"));
        assertThat(todo.json().get("status").asString()).isEqualTo("pending");
    }

    @Test
    void aFullColumnRefusesAMoveWith409NamingTheLimitAndNothingChanges() {
        long[] b = fx.board("WIP");
        assertThat(http.patch("/api/v1/boards/" + b[0] + "/columns/" + b[3], obj("wip_limit", 1))
                        .status())
                .isEqualTo(200);
        long a = fx.task(b[0], "a", "column", "In Progress");
        long c = fx.task(b[0], "c");
        long history = count("task_history");
        // this board's events: the reminder scan may append others' in the background meanwhile
        long events = count("outbox_events where board_id = " + b[0]);
        Response r = http.post("/api/v1/tasks/" + c + "/move", obj("column_id", b[3]));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("type").asString()).endsWith("/wip-limit");
        assertThat(r.json().get("wip_limit").asInt()).isEqualTo(1);
        assertThat(r.json().get("detail").asString())
                .isEqualTo("column 'In Progress' is at its WIP limit of 1 (1 task)");
        assertThat(fx.get(c).get("column_id").asLong()).isEqualTo(b[1]);
        assertThat(count("task_history")).isEqualTo(history);
        assertThat(count("outbox_events where board_id = " + b[0])).isEqualTo(events);
        assertThat(http.post("/api/v1/tasks", obj("board_id", b[0], "title", "x", "column_id", b[3]))
                        .status())
                .isEqualTo(409);
        assertThat(http.post("/api/v1/tasks/" + a + "/move", obj("position", 0)).status())
                .isEqualTo(200);
    }

    @Test
    void lifecycleTransitionsFollowTheRules() {
        long[] b = fx.board("Lifecycle");
        long id = fx.task(b[0], "work");
        Response started = http.post("/api/v1/tasks/" + id + "/start", null);
        assertThat(started.status()).isEqualTo(200);
        assertThat(started.json().get("status").asString()).isEqualTo("in_progress");
        assertThat(started.json().get("column_id").asLong()).isEqualTo(b[3]);
        Response again = http.post("/api/v1/tasks/" + id + "/start", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("type").asString()).endsWith("/illegal-transition");
        Response completed = http.post("/api/v1/tasks/" + id + "/complete", null);
        assertThat(completed.json().get("status").asString()).isEqualTo("completed");
        assertThat(completed.json().get("column_id").asLong()).isEqualTo(b[4]);
        assertThat(http.post("/api/v1/tasks/" + id + "/complete", null).status())
                .isEqualTo(409);
        assertThat(http.post("/api/v1/tasks/" + id + "/cancel", obj("reason", "late"))
                        .status())
                .isEqualTo(409);
        Response reopened = http.post("/api/v1/tasks/" + id + "/reopen", null);
        assertThat(reopened.json().get("status").asString()).isEqualTo("pending");
        assertThat(reopened.json().get("column_id").asLong()).isEqualTo(b[2]);
        assertThat(http.post("/api/v1/tasks/" + id + "/cancel", obj()).status()).isEqualTo(422);
        Response cancelled = http.post("/api/v1/tasks/" + id + "/cancel", obj("reason", "not needed"));
        assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
        assertThat(cancelled.json().get("cancel_reason").asString()).isEqualTo("not needed");
        assertThat(http.post("/api/v1/tasks/" + id + "/start", null).status()).isEqualTo(409);
    }

    @Test
    void metadataUpTo64KilobytesOfJsonIsStoredWhateverItHolds() {
        long[] b = fx.board("Metadata size");
        // 60 KB of JSON in small numbers: about 360 KB as jsonb, which the database's check refused
        List<Integer> readings = java.util.Collections.nCopies(30_000, 7);
        Response numbers =
                http.post("/api/v1/tasks", obj("board_id", b[0], "title", "sensor", "metadata", obj("r", readings)));
        assertThat(numbers.status()).as(numbers.body()).isEqualTo(201);
        assertThat(http.get("/api/v1/tasks/" + numbers.id())
                        .json()
                        .get("metadata")
                        .get("r"))
                .hasSize(30_000);
        long before = count("tasks");
        Response over = http.post(
                "/api/v1/tasks",
                obj(
                        "board_id",
                        b[0],
                        "title",
                        "too much",
                        "metadata",
                        obj("r", java.util.Collections.nCopies(33_000, 7))));
        assertThat(over.status()).isEqualTo(422);
        assertThat(over.json().get("detail").asString()).contains("65536 bytes");
        assertThat(count("tasks")).isEqualTo(before);
    }

    @Test
    void cancelWithoutAReasonIs422AndTheReasonMayComeAsAQueryParameter() {
        long[] b = fx.board("Cancel reasons");
        long id = fx.task(b[0], "to drop");
        Response bare = http.post("/api/v1/tasks/" + id + "/cancel", null);
        assertThat(bare.status()).as(bare.body()).isEqualTo(422);
        assertThat(bare.json().get("errors").get(0).get("field").asString()).isEqualTo("reason");
        assertThat(http.get("/api/v1/tasks/" + id).json().get("status").asString())
                .isEqualTo("pending");
        assertThat(http.post("/api/v1/tasks/" + id + "/cancel?reason=%20", null).status())
                .isEqualTo(422);
        Response byParameter = http.post("/api/v1/tasks/" + id + "/cancel?reason=superseded", null);
        assertThat(byParameter.status()).as(byParameter.body()).isEqualTo(200);
        assertThat(byParameter.json().get("status").asString()).isEqualTo("cancelled");
        assertThat(byParameter.json().get("cancel_reason").asString()).isEqualTo("superseded");
    }

    /**
     * A lifecycle action that takes the card to another column announces a move, as a move or an edit
     * naming a column does (with the column it left), unless it has a more specific event: a completion
     * stays {@code task_completed}. One that leaves the card where it is stays {@code task_updated}.
     */
    @Test
    void aLifecycleActionThatMovesTheCardAnnouncesAMove() {
        long[] b = fx.board("Lifecycle events");
        long id = fx.task(b[0], "announced");

        http.post("/api/v1/tasks/" + id + "/start", null);
        http.post("/api/v1/tasks/" + id + "/complete", null);
        http.post("/api/v1/tasks/" + id + "/reopen", null);
        http.post("/api/v1/tasks/" + id + "/cancel", obj("reason", "not needed"));
        http.post("/api/v1/tasks/" + id + "/reopen", null);

        assertThat(jdbc.sql("""
                        select type || ' ' || coalesce(payload ->> 'from_column_id', '-') || ' '
                               || (payload -> 'task' ->> 'column_id')
                        from outbox_events where task_id = :id order by id
                        """).param("id", id).query(String.class).list())
                .containsExactly(
                        "task_created - " + b[1],
                        "task_moved " + b[1] + " " + b[3],
                        "task_completed " + b[3] + " " + b[4],
                        "task_moved " + b[4] + " " + b[2],
                        "task_updated - " + b[2],
                        "task_updated - " + b[2]);
    }

    @Test
    void statusCanBeSetByPatchUnderTheSameRules() {
        long[] b = fx.board("Patch status");
        long id = fx.task(b[0], "p");
        assertThat(http.patch("/api/v1/tasks/" + id, obj("status", "completed"))
                        .json()
                        .get("status")
                        .asString())
                .isEqualTo("completed");
        assertThat(http.patch("/api/v1/tasks/" + id, obj("status", "cancelled", "cancel_reason", "x"))
                        .status())
                .isEqualTo(409);
        assertThat(http.patch("/api/v1/tasks/" + id, obj("status", "bogus")).status())
                .isEqualTo(422);
    }

    @Test
    void aStatusSetByPatchMovesTheTaskAsTheEndpointsDoAndMustFitAColumnSentWithIt() {
        long[] b = fx.board("Patch status moves");
        long id = fx.task(b[0], "p", "column_id", b[2]);
        String task = "/api/v1/tasks/" + id;

        JsonNode completed = http.patch(task, obj("status", "completed")).json();
        assertThat(completed.get("column_id").asLong())
                .as("completed: into the done column")
                .isEqualTo(b[4]);
        assertThat(completed.get("completed_at").isNull()).isFalse();
        JsonNode pending = http.patch(task, obj("status", "pending")).json();
        assertThat(pending.get("column_id").asLong())
                .as("pending: out of the done column")
                .isEqualTo(b[2]);
        assertThat(pending.get("completed_at").isNull()).isTrue();

        // a status and a column that contradict each other change nothing
        long version = http.get(task).json().get("version").asLong();
        assertThat(http.patch(task, obj("column_id", b[4], "status", "pending")).status())
                .isEqualTo(409);
        assertThat(http.patch(task, obj("column_id", b[1], "status", "completed"))
                        .status())
                .isEqualTo(409);
        assertThat(http.get(task).json().get("version").asLong()).isEqualTo(version);

        // in progress: into the in-progress column, under its WIP limit like a start
        assertThat(http.patch("/api/v1/boards/" + b[0] + "/columns/" + b[3], obj("wip_limit", 1))
                        .status())
                .isEqualTo(200);
        fx.task(b[0], "already working", "column_id", b[3]);
        assertThat(http.patch(task, obj("status", "in_progress")).status()).isEqualTo(409);
        assertThat(http.get(task).json().get("status").asString()).isEqualTo("pending");
        assertThat(http.patch("/api/v1/boards/" + b[0] + "/columns/" + b[3], obj("wip_limit", 2))
                        .status())
                .isEqualTo(200);
        JsonNode started = http.patch(task, obj("status", "in_progress")).json();
        assertThat(started.get("column_id").asLong()).isEqualTo(b[3]);
        assertThat(started.get("status").asString()).isEqualTo("in_progress");
    }

    @Test
    void aTitleHoldsFiveHundredCharactersEvenOutsideTheBasicPlane() {
        long[] b = fx.board("Emoji titles");
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
        Response fits = http.post("/api/v1/tasks", obj("board_id", b[0], "title", emoji.repeat(500)));
        assertThat(fits.status()).as(fits.body()).isEqualTo(201);
        assertThat(http.patch("/api/v1/tasks/" + fits.id(), obj("title", emoji.repeat(499) + "x"))
                        .status())
                .isEqualTo(200);
        Response over = http.post("/api/v1/tasks", obj("board_id", b[0], "title", emoji.repeat(501)));
        assertThat(over.status()).isEqualTo(422);
        assertThat(over.json().get("errors").get(0).get("field").asString()).isEqualTo("title");
        Response perColumn = http.get("/api/v1/boards/" + b[0] + "/tasks?per_column=0");
        assertThat(perColumn.status()).isEqualTo(422);
        assertThat(perColumn.json().get("errors").get(0).get("field").asString())
                .isEqualTo("per_column");
    }

    @Test
    void aClaimIsExclusiveUntilReleased() {
        long[] b = fx.board("Claims");
        long id = fx.task(b[0], "claim me");
        Response claimed = http.post("/api/v1/tasks/" + id + "/claim", obj("lease_seconds", 600));
        assertThat(claimed.status()).isEqualTo(200);
        assertThat(claimed.json().get("claimed_by").asString()).isEqualTo("tester");
        assertThat(claimed.json().get("assignee").asString()).isEqualTo("tester");
        jdbc.sql("update tasks set claimed_by = 'other-agent' where id = :id")
                .param("id", id)
                .update();
        Response taken = http.post("/api/v1/tasks/" + id + "/claim", null);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().get("detail").asString()).contains("other-agent");
        // a task's parts are the claim holder's too: its assignees and checklist
        long version = fx.get(id).get("version").asLong();
        Response assign = http.put("/api/v1/tasks/" + id + "/assignees", obj("assignees", List.of("tester")));
        assertThat(assign.status()).as(assign.body()).isEqualTo(409);
        assertThat(assign.json().get("type").asString()).endsWith("/claimed-by-another");
        assertThat(http.post("/api/v1/tasks/" + id + "/checklist", obj("text", "sneak in"))
                        .status())
                .isEqualTo(409);
        assertThat(fx.get(id).get("version").asLong()).isEqualTo(version);
        assertThat(http.post("/api/v1/tasks/" + id + "/release", null).status()).isEqualTo(200);
        assertThat(fx.get(id).get("claimed_by").isNull()).isTrue();
        assertThat(http.post("/api/v1/tasks/" + id + "/release", null).status()).isEqualTo(409);
    }

    @Test
    void deletingATaskRemovesItAndLeavesTheAuditTrail() {
        long[] b = fx.board("Delete");
        long id = fx.task(b[0], "bye");
        assertThat(http.delete("/api/v1/tasks/" + id).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/tasks/" + id).status()).isEqualTo(404);
        assertThat(jdbc.sql("select action from task_history where task_id = :id order by id")
                        .param("id", id)
                        .query(String.class)
                        .list())
                .containsExactly("created", "deleted");
        assertThat(jdbc.sql("select type from outbox_events where task_id = :id order by id")
                        .param("id", id)
                        .query(String.class)
                        .list())
                .containsExactly("task_created", "task_deleted");
    }

    @Test
    void listFiltersCombineAndPage() {
        long[] b = fx.board("Filters");
        long x = fx.task(
                b[0],
                "Fix login timeout",
                "priority",
                "high",
                "epic",
                "Auth",
                "assignee",
                "ann",
                "owner",
                "agent",
                "due_date",
                "2020-01-01T00:00:00Z",
                "description",
                "sessions expire too early");
        long y = fx.task(
                b[0], "Write release notes", "priority", "low", "epic", "Docs", "due_date", "2999-01-01T00:00:00Z");
        long z = fx.task(b[0], "Refactor billing", "priority", "high", "assignee", "bob", "column", "Done");
        String base = "/api/v1/tasks?board_id=" + b[0];
        assertThat(ids(base + "&priority=high")).containsExactlyInAnyOrder(x, z);
        assertThat(ids(base + "&priority=high,low&status=pending")).containsExactlyInAnyOrder(x, y);
        assertThat(ids(base + "&status=completed")).containsExactly(z);
        assertThat(ids(base + "&epic=Auth")).containsExactly(x);
        assertThat(ids(base + "&assignee=bob")).containsExactly(z);
        assertThat(ids(base + "&owner=agent")).containsExactly(x);
        assertThat(ids(base + "&overdue=true")).containsExactly(x);
        assertThat(ids(base + "&due_before=2100-01-01")).containsExactly(x);
        assertThat(ids(base + "&due_after=2100-01-01T00:00:00Z")).containsExactly(y);
        assertThat(ids(base + "&q=session")).containsExactly(x);
        assertThat(ids(base + "&q=release%20notes")).containsExactly(y);
        // words are also the starts of words, unless the search syntax is used
        assertThat(ids(base + "&q=sess")).containsExactly(x);
        assertThat(ids(base + "&q=Rele%20NOT")).containsExactly(y);
        assertThat(ids(base + "&q=%22release%20notes%22")).containsExactly(y);
        assertThat(ids(base + "&q=%22rele%20not%22")).isEmpty();
        assertThat(ids(base + "&q=-session")).containsExactlyInAnyOrder(y, z);
        assertThat(ids(base + "&q=refac%20or%20sess")).isEmpty(); // "or": the words as typed
        assertThat(ids(base + "&q=billing%20or%20session")).containsExactlyInAnyOrder(x, z);
        assertThat(ids(base + "&q=a')%20or%20('1")).isEmpty();
        assertThat(ids(base + "&column_id=" + b[4])).containsExactly(z);
        assertThat(ids(base + "&sort=-priority")).first().isIn(x, z);
        assertThat(ids(base + "&sort=title")).containsExactly(x, z, y);
        Response page = http.get(base + "&limit=2&offset=1&sort=id");
        assertThat(page.json().get("total").asLong()).isEqualTo(3);
        assertThat(page.json().get("limit").asInt()).isEqualTo(2);
        assertThat(page.json().get("offset").asLong()).isEqualTo(1);
        assertThat(page.json().get("items")).hasSize(2);
        assertThat(http.get(base + "&limit=100000").json().get("limit").asInt()).isEqualTo(500);
        // totals of counter-backed filters (board, column, status, priority) agree with the rows
        for (String q : List.of(
                "",
                "&priority=high",
                "&status=pending",
                "&priority=high,low&status=pending,completed",
                "&column_id=" + b[4],
                "&column_id=" + b[1] + "&priority=low")) {
            Response r = http.get(base + q + "&limit=1");
            assertThat(r.json().get("total").asLong())
                    .as(q)
                    .isEqualTo(ids(base + q).size());
        }
        long u = fx.task(b[0], "Outage", "priority", "critical");
        assertThat(ids(base + "&priority=critical"))
                .as("critical is urgent in a filter as in a body")
                .containsExactly(u);
    }

    /** A NUL character cannot be stored: a 422 that says so, and nothing written. */
    @Test
    void aNulCharacterIsRefusedAndSaysWhy() {
        long[] b = fx.board("NUL");
        Response r = http.post("/api/v1/tasks", obj("board_id", b[0], "title", "nul\u0000x"));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("detail").asString()).contains("NUL character");
        assertThat(count("tasks where board_id = " + b[0])).isZero();
    }

    /**
     * A number or a boolean where text is expected was read as that text ({@code "title": 5} became the
     * title "5"; found by a hostile review): a 422 naming the field, and nothing written. A number asked
     * for may still come as text.
     */
    @Test
    void aNumberOrBooleanWhereTextIsExpectedIsRefusedAndChangesNothing() {
        long[] b = fx.board("Wrong types");
        for (String wrong : List.of("5", "1.5", "true", "1e999999")) {
            Response r = http.post("/api/v1/tasks", "{\"board_id\": " + b[0] + ", \"title\": " + wrong + "}");
            assertThat(r.status()).as(wrong + ": " + r.body()).isEqualTo(422);
            assertThat(r.header("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
            assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("title");
            assertThat(r.json().get("errors").get(0).get("message").asString()).isEqualTo("must be a string");
        }
        Response tags = http.post("/api/v1/tasks", obj("board_id", b[0], "title", "tagged", "tags", List.of(5)));
        assertThat(tags.status()).as(tags.body()).isEqualTo(422);
        assertThat(tags.json().get("errors").get(0).get("field").asString()).isEqualTo("tags[0]");
        assertThat(count("tasks where board_id = " + b[0])).isZero();

        long task = fx.task(b[0], "typed");
        long version = http.get("/api/v1/tasks/" + task).json().get("version").asLong();
        for (Map<String, Object> patch : List.of(obj("title", 5), obj("epic", false), obj("description", 2.5))) {
            Response r = http.patch("/api/v1/tasks/" + task, patch);
            assertThat(r.status()).as(patch + ": " + r.body()).isEqualTo(422);
            assertThat(r.json().get("errors").get(0).get("field").asString())
                    .isEqualTo(patch.keySet().iterator().next());
        }
        JsonNode unchanged = http.get("/api/v1/tasks/" + task).json();
        assertThat(unchanged.get("title").asString()).isEqualTo("typed");
        assertThat(unchanged.get("version").asLong()).isEqualTo(version);

        Response byText = http.post("/api/v1/tasks", obj("board_id", Long.toString(b[0]), "title", "by text id"));
        assertThat(byText.status()).as(byText.body()).isEqualTo(201);
    }

    /**
     * Text that cannot be stored as sent: a lone UTF-16 surrogate was written as "?", a NUL refused
     * without naming the field. Both are a 422 naming the field, and nothing written.
     */
    @Test
    void textThatCannotBeStoredAsSentIsRefusedNamingTheField() {
        long[] b = fx.board("Unstorable text");
        for (String text : List.of("a\\ud800b", "trailing\\udc00", "nul\\u0000")) {
            Response r = http.post("/api/v1/tasks", "{\"board_id\": " + b[0] + ", \"title\": \"" + text + "\"}");
            assertThat(r.status()).as(text + ": " + r.body()).isEqualTo(422);
            assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("title");
            Response meta = http.post(
                    "/api/v1/tasks",
                    "{\"board_id\": " + b[0] + ", \"title\": \"t\", \"metadata\": {\"k\": [\"" + text + "\"]}}");
            assertThat(meta.status()).as(text + ": " + meta.body()).isEqualTo(422);
            assertThat(meta.json().get("errors").get(0).get("field").asString()).startsWith("metadata.k");
        }
        assertThat(count("tasks where board_id = " + b[0])).isZero();
        Response pair = http.post("/api/v1/tasks", "{\"board_id\": " + b[0] + ", \"title\": \"\\ud83d\\ude00\"}");
        assertThat(pair.status()).as(pair.body()).isEqualTo(201);
        assertThat(pair.json().get("title").asString()).isEqualTo("\ud83d\ude00");
    }

    /**
     * Metadata numbers are kept exactly: {@code 1e999999} was stored as the string "Infinity" (found by
     * a hostile review); one too long to write out and read back is a 422 naming it.
     */
    @Test
    void metadataNumbersAreStoredExactlyOrRefused() {
        long[] b = fx.board("Exact metadata");
        for (String huge : List.of("1e999999", "-1e999999", "1e-999999", "1e1000")) {
            Response r = http.post(
                    "/api/v1/tasks",
                    "{\"board_id\": " + b[0] + ", \"title\": \"t\", \"metadata\": {\"x\": {\"y\": " + huge + "}}}");
            assertThat(r.status()).as(huge + ": " + r.body()).isEqualTo(422);
            assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("metadata.x.y");
        }
        assertThat(count("tasks where board_id = " + b[0])).isZero();

        String exact = "0.10000000000000000000001";
        String big = "123456789012345678901234567890";
        Response r = http.post(
                "/api/v1/tasks",
                "{\"board_id\": " + b[0] + ", \"title\": \"t\", \"metadata\": {\"x\": " + exact + ", \"n\": " + big
                        + ", \"e\": 1e300}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(jdbc.sql("select metadata->>'x' || ' ' || (metadata->>'n') || ' ' || jsonb_typeof(metadata->'e')"
                                + " from tasks where id = " + r.id())
                        .query(String.class)
                        .single())
                .isEqualTo(exact + " " + big + " number");
        assertThat(http.get("/api/v1/tasks/" + r.id()).body()).contains(exact, big);
        Response patched = http.patch("/api/v1/tasks/" + r.id(), "{\"metadata\": {\"x\": 1e999999}}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(422);
        assertThat(jdbc.sql("select metadata->>'x' from tasks where id = " + r.id())
                        .query(String.class)
                        .single())
                .isEqualTo(exact);
    }

    /** A due date may be a plain date, as people write one: it is that day's first instant in UTC. */
    @Test
    void aDueDateMayBeAPlainDate() {
        long[] b = fx.board("Plain dates");
        Response r = http.post("/api/v1/tasks", obj("board_id", b[0], "title", "dated", "due_date", "2030-01-31"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("due_date").asString()).isEqualTo("2030-01-31T00:00:00Z");
        Response impossible =
                http.post("/api/v1/tasks", obj("board_id", b[0], "title", "dated", "due_date", "2030-02-30"));
        assertThat(impossible.status()).isEqualTo(422);
        assertThat(impossible.body()).contains("due_date");
    }

    /** A move says where to: an empty body, or a column_id and a column that disagree, change nothing. */
    @Test
    void aMoveWithoutATargetOrWithTwoDisagreeingTargetsIsRefused() {
        long[] b = fx.board("Move targets");
        long t = fx.task(b[0], "stays");
        JsonNode before = http.get("/api/v1/tasks/" + t).json();

        assertThat(http.post("/api/v1/tasks/" + t + "/move", obj()).status()).isEqualTo(422);
        Response twoTargets = http.post("/api/v1/tasks/" + t + "/move", obj("column_id", b[2], "column", "Done"));
        assertThat(twoTargets.status()).as(twoTargets.body()).isEqualTo(422);
        JsonNode after = http.get("/api/v1/tasks/" + t).json();
        assertThat(after.get("version")).isEqualTo(before.get("version"));
        assertThat(after.get("position")).isEqualTo(before.get("position"));

        assertThat(http.post("/api/v1/tasks/" + t + "/move", obj("column_id", b[4], "column", "done"))
                        .status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/tasks", obj("board_id", b[0], "title", "x", "column_id", b[2], "column", "Done"))
                        .status())
                .isEqualTo(422);
    }

    /** A cancelled task moved into a done column is completed, and no longer says why it was cancelled. */
    @Test
    void aCancelledTaskMovedIntoDoneLosesItsCancelReason() {
        long[] b = fx.board("Cancelled then done");
        long t = fx.task(b[0], "dropped, then done after all");
        assertThat(http.post("/api/v1/tasks/" + t + "/cancel", obj("reason", "not needed"))
                        .status())
                .isEqualTo(200);
        Response moved = http.patch("/api/v1/tasks/" + t, obj("column", "Done"));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.json().get("status").asString()).isEqualTo("completed");
        JsonNode reason = moved.json().path("cancel_reason");
        assertThat(reason.isNull() || reason.isMissingNode()).as(moved.body()).isTrue();
    }

    /** A blank title breaks two constraints that say the same: the problem names it once. */
    @Test
    void aBlankTitleIsOneError() {
        long[] b = fx.board("Blank title");
        Response r = http.post("/api/v1/tasks", obj("board_id", b[0], "title", ""));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors")).hasSize(1);
        assertThat(r.json().get("detail").asString()).isEqualTo("title: must not be blank");
    }

    /** A status on create is checked and honoured: without a column it picks the column, with one it must fit it. */
    @Test
    void aStatusOnCreateIsValidatedAndPlacesTheTask() {
        long[] b = fx.board("Create with status");
        Response done =
                http.post("/api/v1/tasks", obj("board_id", b[0], "title", "already done", "status", "completed"));
        assertThat(done.status()).as(done.body()).isEqualTo(201);
        assertThat(done.json().get("status").asString()).isEqualTo("completed");
        assertThat(done.json().get("column_id").asLong()).isEqualTo(b[4]);
        assertThat(done.json().get("completed_at").isNull()).isFalse();

        Response working = http.post("/api/v1/tasks", obj("board_id", b[0], "title", "busy", "status", "in_progress"));
        assertThat(working.json().get("status").asString()).isEqualTo("in_progress");
        assertThat(working.json().get("column_id").asLong()).isEqualTo(b[3]);

        Response pending = http.post("/api/v1/tasks", obj("board_id", b[0], "title", "later", "status", "pending"));
        assertThat(pending.json().get("column_id").asLong()).isEqualTo(b[1]);

        long before = count("tasks where board_id = " + b[0]);
        assertThat(http.post("/api/v1/tasks", obj("board_id", b[0], "title", "x", "status", "bogus"))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/tasks", obj("board_id", b[0], "title", "x", "status", "cancelled"))
                        .status())
                .isEqualTo(422);
        Response conflict =
                http.post("/api/v1/tasks", obj("board_id", b[0], "title", "x", "column", "Done", "status", "pending"));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("type").asString()).endsWith("status-column-conflict");
        assertThat(http.post(
                                "/api/v1/tasks",
                                obj("board_id", b[0], "title", "x", "column", "To Do", "status", "completed"))
                        .status())
                .isEqualTo(409);
        assertThat(count("tasks where board_id = " + b[0])).isEqualTo(before);
    }

    /**
     * A completed task sits in a done column: on a board without one, completing a task (the lifecycle
     * endpoint, a status sent alone) is the same 409 as creating it completed there, and changes nothing.
     */
    @Test
    void completingOnABoardWithoutADoneColumnIsAStatusColumnConflict() {
        Response board = http.post(
                "/api/v1/boards",
                obj(
                        "name",
                        "No done column",
                        "columns",
                        List.of(obj("name", "Todo", "kind", "todo"), obj("name", "Doing", "kind", "in_progress"))));
        assertThat(board.status()).as(board.body()).isEqualTo(201);
        long boardId = board.id();
        long todo = board.json().get("columns").get(0).get("id").asLong();
        long pending = fx.task(boardId, "pending");
        long started = fx.task(boardId, "started");
        assertThat(http.post("/api/v1/tasks/" + started + "/start", null).status())
                .isEqualTo(200);
        long events = count("outbox_events");
        long history = count("task_history");
        for (long id : new long[] {pending, started}) {
            JsonNode before = fx.get(id);
            for (Response r : List.of(
                    http.post("/api/v1/tasks/" + id + "/complete", null),
                    http.patch("/api/v1/tasks/" + id, obj("status", "completed")),
                    http.post("/api/v1/tasks", obj("board_id", boardId, "title", "x", "status", "completed")))) {
                assertThat(r.status()).as(r.body()).isEqualTo(409);
                assertThat(r.json().get("type").asString()).endsWith("status-column-conflict");
                assertThat(r.json().get("detail").asString()).contains("no done column");
            }
            JsonNode after = fx.get(id);
            assertThat(after.get("status").asString())
                    .isEqualTo(before.get("status").asString());
            assertThat(after.get("column_id").asLong())
                    .isEqualTo(before.get("column_id").asLong());
            assertThat(after.get("version").asLong())
                    .isEqualTo(before.get("version").asLong());
        }
        assertThat(fx.get(pending).get("column_id").asLong()).isEqualTo(todo);
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(count("task_history")).isEqualTo(history);

        // a cancelled task there is refused as cancelled (it is reopened first), not for the missing column
        assertThat(http.post("/api/v1/tasks/" + pending + "/cancel", obj("reason", "dropped"))
                        .status())
                .isEqualTo(200);
        Response closed = http.post("/api/v1/tasks/" + pending + "/complete", null);
        assertThat(closed.status()).isEqualTo(409);
        assertThat(closed.json().get("type").asString()).endsWith("illegal-transition");
    }

    /** SPEC §4 names the filters board and column: each takes an id or a name, and agrees with board_id/column_id. */
    @Test
    void boardAndColumnFiltersTakeAnIdOrAName() {
        long[] b = fx.board("Named Filter Board");
        long[] other = fx.board("Other Filter Board");
        long done = fx.task(b[0], "finished", "column", "Done");
        long open = fx.task(b[0], "open");
        fx.task(other[0], "elsewhere");

        assertThat(ids("/api/v1/tasks?board=" + b[0])).containsExactlyInAnyOrder(done, open);
        assertThat(ids("/api/v1/tasks?board=named%20filter%20BOARD")).containsExactlyInAnyOrder(done, open);
        assertThat(ids("/api/v1/tasks?board=" + b[0] + "&column=done")).containsExactly(done);
        assertThat(ids("/api/v1/tasks?board_id=" + b[0] + "&column=" + b[4])).containsExactly(done);

        Response unknown = http.get("/api/v1/tasks?board=No%20such%20board");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body()).contains("board");
        assertThat(http.get("/api/v1/tasks?column=Done").status()).isEqualTo(422);
        assertThat(http.get("/api/v1/tasks?board=" + b[0] + "&column=Nowhere").status())
                .isEqualTo(422);
        assertThat(http.get("/api/v1/tasks?board=" + b[0] + "&board_id=" + other[0])
                        .status())
                .isEqualTo(422);

        fx.board("Twin");
        fx.board("twin");
        Response twins = http.get("/api/v1/tasks?board=Twin");
        assertThat(twins.status()).isEqualTo(422);
        assertThat(twins.body()).contains("several boards");
    }

    /**
     * The status and priority filters compare the sort keys' ranks (V58, so that they use the sort
     * indexes), numbered from the enums' order: every value finds exactly its own tasks.
     */
    @Test
    void everyStatusAndPriorityFiltersToItsOwnTasks() {
        long[] b = fx.board("Ranks");
        String base = "/api/v1/tasks?board_id=" + b[0];
        Map<Priority, Long> byPriority = new java.util.EnumMap<>(Priority.class);
        for (Priority p : Priority.values()) {
            byPriority.put(p, fx.task(b[0], "priority " + p, "priority", p.toString()));
        }
        for (Priority p : Priority.values()) {
            assertThat(ids(base + "&priority=" + p)).as(p.toString()).containsExactly(byPriority.get(p));
        }
        long done = fx.task(b[0], "done", "column", "Done");
        long started = fx.task(b[0], "started");
        assertThat(http.post("/api/v1/tasks/" + started + "/start", null).status())
                .isEqualTo(200);
        long cancelled = fx.task(b[0], "cancelled");
        assertThat(http.post("/api/v1/tasks/" + cancelled + "/cancel", obj("reason", "no"))
                        .status())
                .isEqualTo(200);
        assertThat(ids(base + "&status=completed")).containsExactly(done);
        assertThat(ids(base + "&status=in_progress")).containsExactly(started);
        assertThat(ids(base + "&status=cancelled")).containsExactly(cancelled);
        assertThat(ids(base + "&status=pending")).containsExactlyInAnyOrderElementsOf(byPriority.values());
        assertThat(ids(base + "&status=cancelled,completed&sort=-status")).containsExactly(cancelled, done);
        assertThat(ids(base + "&priority=urgent,low&sort=priority"))
                .containsExactly(byPriority.get(Priority.LOW), byPriority.get(Priority.URGENT));
    }

    @Test
    void tagFilterMatchesAttachedTags() {
        long[] b = fx.board("Tag filter");
        long x = fx.task(b[0], "tagged");
        fx.task(b[0], "untagged");
        jdbc.sql(
                        "insert into task_tags (task_id, tag_id, workspace_id) select :t, id, workspace_id from tags where name = 'bug'")
                .param("t", x)
                .update();
        assertThat(ids("/api/v1/tasks?board_id=" + b[0] + "&tag=BUG")).containsExactly(x);
        assertThat(fx.get(x).get("tags").get(0).get("name").asString()).isEqualTo("bug");
    }

    @Test
    void badListParametersAre422() {
        for (String q : List.of(
                "sort=bogus",
                "status=done",
                "priority=extreme",
                "limit=0",
                "limit=-5",
                "offset=-1",
                "due_before=yesterday",
                "owner=robot")) {
            Response r = http.get("/api/v1/tasks?" + q);
            assertThat(r.status()).as(q).isEqualTo(422);
            assertThat(r.json().get("errors")).as(q).isNotEmpty();
        }
        assertThat(http.get("/api/v1/tasks?board_id=abc").status()).isBetween(400, 422);
    }

    @Test
    void theBoardStateGroupsTasksByColumnWithCountsAndPaging() {
        long[] b = fx.board("State");
        for (int i = 0; i < 5; i++) {
            fx.task(b[0], "todo " + i);
        }
        fx.task(b[0], "doing", "column", "In Progress");
        Response r = http.get("/api/v1/boards/" + b[0] + "/tasks?per_column=3");
        assertThat(r.status()).isEqualTo(200);
        JsonNode cols = r.json().get("columns");
        assertThat(cols).hasSize(4);
        assertThat(cols.get(0).get("task_count").asLong()).isEqualTo(5);
        assertThat(cols.get(0).get("tasks")).hasSize(3);
        assertThat(cols.get(0).get("has_more").asBoolean()).isTrue();
        assertThat(cols.get(0).get("tasks").get(0).get("time_in_column_seconds").asLong())
                .isGreaterThanOrEqualTo(0);
        assertThat(cols.get(2).get("tasks").get(0).get("title").asString()).isEqualTo("doing");
        Response more = http.get("/api/v1/boards/" + b[0] + "/tasks?per_column=3&column_id=" + b[1] + "&offset=3");
        assertThat(more.json().get("columns").get(0).get("tasks")).hasSize(2);
        assertThat(more.json().get("columns").get(0).get("has_more").asBoolean())
                .isFalse();
        assertThat(http.get("/api/v1/boards/999999/tasks").status()).isEqualTo(404);
    }

    /**
     * The board state carries an ETag (SPEC §4: every board response does) that changes whenever what it
     * shows does — also when only a task changes, which leaves the board's version alone — and answers a
     * still-matching If-None-Match with 304, as the board's other reads do.
     */
    @Test
    void theBoardStateCarriesAnEtagThatFollowsItsTasksAndAnswers304() {
        long[] b = fx.board("State ETag");
        long task = fx.task(b[0], "shown");
        String state = "/api/v1/boards/" + b[0] + "/tasks";

        Response first = http.get(state);
        String etag = first.header("ETag").orElseThrow();
        Response again = http.get(state, "If-None-Match", etag);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        long boardVersion = first.json().get("version").asLong();
        assertThat(http.patch("/api/v1/tasks/" + task, obj("title", "edited")).status())
                .isEqualTo(200);
        Response edited = http.get(state, "If-None-Match", etag);
        assertThat(edited.status()).isEqualTo(200);
        assertThat(edited.json().get("version").asLong()).isEqualTo(boardVersion);
        assertThat(edited.json()
                        .get("columns")
                        .get(0)
                        .get("tasks")
                        .get(0)
                        .get("title")
                        .asString())
                .isEqualTo("edited");
        String afterEdit = edited.header("ETag").orElseThrow();
        assertThat(afterEdit).isNotEqualTo(etag);

        assertThat(http.post("/api/v1/tasks/" + task + "/move", obj("column_id", b[2]))
                        .status())
                .isEqualTo(200);
        String afterMove = http.get(state).header("ETag").orElseThrow();
        assertThat(afterMove).isNotEqualTo(afterEdit);

        assertThat(http.delete("/api/v1/tasks/" + task).status()).isEqualTo(204);
        String afterDelete = http.get(state).header("ETag").orElseThrow();
        assertThat(afterDelete).isNotEqualTo(afterMove).isNotEqualTo(etag);

        assertThat(http.patch("/api/v1/boards/" + b[0] + "/columns/" + b[1], obj("name", "Ideas"))
                        .status())
                .isEqualTo(200);
        assertThat(http.get(state, "If-None-Match", afterDelete).status()).isEqualTo(200);
    }

    @Test
    void theBoardStateTakesLimitForPerColumnWithTheChecksOfEveryList() {
        long[] b = fx.board("State limit");
        for (int i = 0; i < 3; i++) {
            fx.task(b[0], "todo " + i);
        }
        JsonNode limited = http.get("/api/v1/boards/" + b[0] + "/tasks?limit=2").json();
        assertThat(limited.get("columns").get(0).get("tasks")).hasSize(2);
        assertThat(limited.get("columns").get(0).get("has_more").asBoolean()).isTrue();
        assertThat(http.get("/api/v1/boards/" + b[0] + "/tasks?limit=1&per_column=3")
                        .json()
                        .get("columns")
                        .get(0)
                        .get("tasks"))
                .hasSize(3);
        for (String bad : List.of("0", "-3", "abc")) {
            Response r = http.get("/api/v1/boards/" + b[0] + "/tasks?limit=" + bad);
            assertThat(r.status()).as(bad).isEqualTo(422);
            assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("limit");
        }
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyCreatesOneTask() {
        long[] b = fx.board("Idempotent");
        var body = obj("board_id", b[0], "title", "once");
        Response first = http.post("/api/v1/tasks", body, "Idempotency-Key", "key-1");
        Response retry = http.post("/api/v1/tasks", body, "Idempotency-Key", "key-1");
        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.id()).isEqualTo(first.id());
        assertThat(retry.header("Idempotent-Replayed")).hasValue("true");
        assertThat(ids("/api/v1/tasks?board_id=" + b[0])).hasSize(1);
        assertThat(http.post("/api/v1/tasks", obj("board_id", b[0], "title", "other"), "Idempotency-Key", "key-1")
                        .status())
                .isEqualTo(422);
    }

    @Test
    void tagsSentWithAnEditReplaceTheTasksTagsInOneNewVersion() {
        long[] b = fx.board("Edit tags");
        long id = http.post("/api/v1/tasks", obj("board_id", b[0], "title", "tag me", "tags", List.of("bug")))
                .id();

        // tags alone: a new version with exactly these tags (unknown ones created), not silently ignored
        Response tagsOnly = http.patch("/api/v1/tasks/" + id, obj("tags", List.of("feature", "Fresh-One")));
        assertThat(tagsOnly.status()).as(tagsOnly.body()).isEqualTo(200);
        assertThat(tagsOnly.json().get("tags").findValuesAsString("name"))
                .containsExactlyInAnyOrder("feature", "Fresh-One");
        assertThat(tagsOnly.header("ETag")).hasValue("\"2\"");
        assertThat(http.get("/api/v1/tasks/" + id + "/tags").json().findValuesAsString("name"))
                .containsExactlyInAnyOrder("feature", "Fresh-One");
        assertThat(ids("/api/v1/tasks?tag=feature&board_id=" + b[0])).containsExactly(id);

        // tags with another field: one new version for both
        Response both =
                http.patch("/api/v1/tasks/" + id, obj("title", "tagged", "tags", List.of()), "If-Match", "\"2\"");
        assertThat(both.status()).as(both.body()).isEqualTo(200);
        assertThat(both.json().get("tags")).isEmpty();
        assertThat(both.json().get("title").asString()).isEqualTo("tagged");
        assertThat(both.header("ETag")).hasValue("\"3\"");

        // the same tags again change nothing; PUT replaces them too, and keeps them when it sends none
        assertThat(http.patch("/api/v1/tasks/" + id, obj("tags", List.of())).header("ETag"))
                .hasValue("\"3\"");
        Response put = http.put("/api/v1/tasks/" + id, obj("title", "tagged", "tags", List.of("bug")));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("tags").findValuesAsString("name")).containsExactly("bug");
        assertThat(http.put("/api/v1/tasks/" + id, obj("title", "kept"))
                        .json()
                        .get("tags")
                        .findValuesAsString("name"))
                .containsExactly("bug");

        // a bad tag list is a 422 naming tags, and changes nothing
        Response bad = http.patch("/api/v1/tasks/" + id, obj("title", "not this", "tags", List.of(" ")));
        assertThat(bad.status()).as(bad.body()).isEqualTo(422);
        assertThat(bad.body()).contains("tags");
        assertThat(http.get("/api/v1/tasks/" + id).json().get("title").asString())
                .isEqualTo("kept");
        assertThat(http.get("/api/v1/tasks/" + id + "/history?limit=100").body())
                .contains("tags_changed");
    }

    private List<Long> ids(String path) {
        Response r = http.get(path);
        assertThat(r.status()).as(path + " " + r.body()).isEqualTo(200);
        List<Long> ids = new java.util.ArrayList<>();
        r.json().get("items").forEach(t -> ids.add(t.get("id").asLong()));
        return ids;
    }
}
