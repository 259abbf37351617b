package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Archive and trash (issue 17): archived tasks leave the board but stay readable and searchable;
 * deleted tasks go to the trash (404, left out of counts and exports), are restorable, and are purged
 * by an admin or by the retention job.
 */
class ArchiveApiTest extends ApiTest {

    @Autowired
    TrashRetention retention;

    TaskFixtures fx;

    private TaskFixtures fx() {
        if (fx == null) {
            fx = new TaskFixtures(http);
        }
        return fx;
    }

    @Test
    void anArchivedTaskLeavesTheBoardButStaysReadableSearchableAndRestorable() {
        long[] b = fx().board("Archive");
        long keep = fx().task(b[0], "stays on the board");
        long old = fx().task(b[0], "finished long ago zebra");
        long after = fx().task(b[0], "placed after it");
        long mark = lastEvent();

        Response archived = http.post("/api/v1/tasks/" + old + "/archive", null);
        assertThat(archived.status()).as(archived.body()).isEqualTo(200);
        assertThat(archived.json().get("archived_at").isNull()).isFalse();

        JsonNode column = boardColumn(b[0], 0);
        assertThat(column.get("task_count").asLong()).isEqualTo(2);
        assertThat(column.get("tasks").findValuesAsString("title"))
                .containsExactly("stays on the board", "placed after it");
        assertThat(ids(http.get("/api/v1/tasks?board_id=" + b[0]))).containsExactly(keep, after);
        assertThat(http.get("/api/v1/tasks?board_id=" + b[0])
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(2);
        assertThat(ids(http.get("/api/v1/tasks?archived=true&q=zebra"))).containsExactly(old);
        assertThat(fx().get(old).get("title").asString()).isEqualTo("finished long ago zebra");

        Response edit = http.patch("/api/v1/tasks/" + old, obj("title", "changed while archived"));
        assertThat(edit.status()).as(edit.body()).isEqualTo(409);
        assertThat(edit.json().get("type").asString()).endsWith("task-archived");

        Response restored = http.post("/api/v1/tasks/" + old + "/restore", null);
        assertThat(restored.status()).as(restored.body()).isEqualTo(200);
        assertThat(restored.json().get("archived_at").isNull()).isTrue();
        assertThat(fx().order(b[1])).containsExactly(keep, after, old);
        assertThat(ids(http.get("/api/v1/tasks?archived=true&board_id=" + b[0])))
                .isEmpty();
        assertThat(eventTypes(old, mark)).containsExactly("task_archived", "task_restored");
        assertThat(historyOf(old)).containsSubsequence("created", "archived", "unarchived");
    }

    @Test
    void archivingAColumnArchivesEveryTaskInIt() {
        long[] b = fx().board("Column archive");
        fx().task(b[0], "one", "column", "Done");
        fx().task(b[0], "two", "column", "Done");
        long other = fx().task(b[0], "elsewhere");
        Response r = http.post("/api/v1/boards/" + b[0] + "/columns/" + b[4] + "/archive", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("archived").asInt()).isEqualTo(2);
        assertThat(boardColumn(b[0], 3).get("task_count").asLong()).isZero();
        assertThat(http.get("/api/v1/tasks?archived=true&board_id=" + b[0])
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(2);
        assertThat(ids(http.get("/api/v1/tasks?board_id=" + b[0]))).containsExactly(other);
        Http viewer = clientFor("archive-viewer", defaultWorkspace, Role.VIEWER);
        assertThat(viewer.post("/api/v1/tasks/" + other + "/archive", null).status())
                .isEqualTo(403);
    }

    @Test
    void anArchivedTaskTakesNoCommentTagRelationChecklistAssigneeOrEvidenceUntilRestored() {
        long[] b = fx().board("Archived parts");
        long old = fx().task(b[0], "archived with its parts");
        long other = fx().task(b[0], "on the board");
        long comment = http.post("/api/v1/tasks/" + old + "/comments", obj("body", "before the archive"))
                .id();
        long tag = http.post("/api/v1/tasks/" + old + "/tags", obj("name", "kept"))
                .json()
                .get(0)
                .get("id")
                .asLong();
        long item = http.post("/api/v1/tasks/" + old + "/checklist", obj("text", "an item"))
                .json()
                .get("item")
                .get("id")
                .asLong();
        long evidence = http.post("/api/v1/tasks/" + old + "/evidence", obj("kind", "note", "note", "seen"))
                .id();
        assertThat(http.post("/api/v1/tasks/" + old + "/relations", obj("kind", "relates_to", "task_id", other))
                        .status())
                .isEqualTo(201);
        assertThat(http.post("/api/v1/tasks/" + old + "/archive", null).status())
                .isEqualTo(200);
        JsonNode before = withoutClock(fx().get(old));
        long mark = lastEvent();
        List<String> history = historyOf(old);

        String path = "/api/v1/tasks/" + old;
        archived(http.post(path + "/comments", obj("body", "while archived")));
        archived(http.patch("/api/v1/comments/" + comment, obj("body", "edited while archived")));
        archived(http.delete("/api/v1/comments/" + comment));
        archived(http.post(path + "/tags", obj("name", "new while archived")));
        archived(http.put(path + "/tags", obj("names", List.of("replaced"))));
        archived(http.delete(path + "/tags/" + tag));
        archived(http.post(path + "/relations", obj("kind", "blocked_by", "task_id", other)));
        archived(http.delete(path + "/relations?kind=relates_to&task_id=" + other));
        // the other end of a relation is archived: the task on the board cannot relate to it either
        archived(http.post("/api/v1/tasks/" + other + "/relations", obj("kind", "blocks", "task_id", old)));
        archived(http.post(path + "/checklist", obj("text", "while archived")));
        archived(http.patch(path + "/checklist/" + item, obj("done", true)));
        archived(http.delete(path + "/checklist/" + item));
        archived(http.post(path + "/assignees", obj("username", "me")));
        archived(http.post(path + "/evidence", obj("kind", "note", "note", "while archived")));
        archived(http.delete("/api/v1/evidence/" + evidence));

        // nothing changed, and reading stays allowed
        assertThat(withoutClock(fx().get(old))).isEqualTo(before);
        assertThat(eventTypes(old, mark)).isEmpty();
        assertThat(historyOf(old)).isEqualTo(history);
        assertThat(http.get(path + "/comments")
                        .json()
                        .get("items")
                        .get(0)
                        .get("body")
                        .asString())
                .isEqualTo("before the archive");
        assertThat(http.get(path + "/tags").json().findValuesAsString("name")).containsExactly("kept");
        assertThat(http.get(path + "/relations").status()).isEqualTo(200);
        assertThat(http.get(path + "/evidence").status()).isEqualTo(200);

        assertThat(http.post(path + "/restore", null).status()).isEqualTo(200);
        assertThat(http.post(path + "/comments", obj("body", "after the restore"))
                        .status())
                .isEqualTo(201);
        assertThat(http.post(path + "/tags", obj("name", "after the restore")).status())
                .isEqualTo(200);
        assertThat(http.post(path + "/checklist", obj("text", "after the restore"))
                        .status())
                .isEqualTo(201);
        assertThat(http.post(path + "/relations", obj("kind", "blocked_by", "task_id", other))
                        .status())
                .isEqualTo(201);
    }

    /** The task's JSON without what follows the clock (time_in_column_seconds). */
    private static JsonNode withoutClock(JsonNode task) {
        ((tools.jackson.databind.node.ObjectNode) task).remove("time_in_column_seconds");
        return task;
    }

    /** 409 {@code task-archived}, as a change of the archived task itself answers. */
    private static void archived(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(r.json().get("type").asString()).endsWith("task-archived");
    }

    @Test
    void aDeletedTaskGoesToTheTrashAndComesBack() {
        long[] b = fx().board("Trash");
        long blocker = fx().task(b[0], "blocks the next one");
        long waiting = fx().task(b[0], "waits");
        assertThat(http.post("/api/v1/tasks/" + blocker + "/relations", obj("kind", "blocks", "task_id", waiting))
                        .status())
                .isEqualTo(201);
        long comment = http.post(
                        "/api/v1/tasks/" + blocker + "/comments", obj("body", "a note that survives the trash"))
                .id();
        long evidence = http.post("/api/v1/tasks/" + blocker + "/evidence", obj("kind", "note", "note", "seen"))
                .id();
        long hint = http.post(
                        "/api/v1/tasks/" + blocker + "/hints",
                        obj("type", "priority", "message", "m", "suggestion", obj("priority", "high")))
                .id();
        assertThat(fx().get(waiting).get("blocked").asBoolean()).isTrue();

        assertThat(http.delete("/api/v1/tasks/" + blocker).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/tasks/" + blocker).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/tasks/" + blocker + "/comments").status()).isEqualTo(404);
        // what hangs off a trashed task is gone by its own id too
        assertThat(http.get("/api/v1/comments/" + comment).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/evidence/" + evidence).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/evidence/" + evidence + "/content").status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/hints/" + hint).status()).isEqualTo(404);
        assertThat(fx().get(waiting).get("blocked").asBoolean()).isFalse();
        assertThat(boardColumn(b[0], 0).get("task_count").asLong()).isEqualTo(1);
        assertThat(http.get("/api/v1/tasks?board_id=" + b[0] + "&archived=true")
                        .json()
                        .get("total")
                        .asLong())
                .isZero();

        JsonNode trash = http.get("/api/v1/trash?board_id=" + b[0]).json();
        assertThat(trash.get("total").asLong()).isEqualTo(1);
        JsonNode item = trash.get("items").get(0);
        assertThat(item.get("id").asLong()).isEqualTo(blocker);
        assertThat(item.get("deleted_by").asString()).isEqualTo("tester");
        assertThat(Duration.between(
                        Instant.parse(item.get("deleted_at").asString()),
                        Instant.parse(item.get("purge_after").asString())))
                .isEqualTo(Duration.ofDays(30));

        Http member = clientFor("trash-member", defaultWorkspace, Role.MEMBER);
        Response back = member.post("/api/v1/tasks/" + blocker + "/restore", null);
        assertThat(back.status()).as(back.body()).isEqualTo(200);
        assertThat(http.get("/api/v1/tasks/" + blocker + "/comments")
                        .json()
                        .get("items")
                        .get(0)
                        .get("body")
                        .asString())
                .isEqualTo("a note that survives the trash");
        assertThat(fx().get(waiting).get("blocked").asBoolean()).isTrue();
        assertThat(http.get("/api/v1/comments/" + comment).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/evidence/" + evidence).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/hints/" + hint).status()).isEqualTo(200);
        assertThat(historyOf(blocker)).containsSubsequence("created", "deleted", "restored");
        assertThat(http.get("/api/v1/trash?board_id=" + b[0])
                        .json()
                        .get("total")
                        .asLong())
                .isZero();
    }

    @Test
    void deletingAnArchivedTaskMovesItToTheTrash() {
        long[] b = fx().board("Archive then trash");
        long t = fx().task(b[0], "archived first");
        http.post("/api/v1/tasks/" + t + "/archive", null);
        assertThat(http.delete("/api/v1/tasks/" + t).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/tasks/" + t).status()).isEqualTo(404);
        JsonNode item =
                http.get("/api/v1/trash?board_id=" + b[0]).json().get("items").get(0);
        assertThat(item.get("archived_at").isNull()).isFalse();
        assertThat(http.post("/api/v1/tasks/" + t + "/restore", null).status()).isEqualTo(200);
        assertThat(fx().order(b[1])).containsExactly(t);
    }

    @Test
    void restoringIntoAFullColumnIsRefusedByItsWipLimit() {
        long[] b = fx().board("Full");
        assertThat(http.patch(
                                "/api/v1/boards/" + b[0] + "/columns/" + b[3],
                                obj("name", "In Progress", "kind", "in_progress", "wip_limit", 1))
                        .status())
                .isEqualTo(200);
        long first = fx().task(b[0], "first", "column_id", b[3]);
        http.delete("/api/v1/tasks/" + first);
        fx().task(b[0], "took its place", "column_id", b[3]);
        Response refused = http.post("/api/v1/tasks/" + first + "/restore", null);
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).endsWith("wip-limit");
        assertThat(http.get("/api/v1/tasks/" + first).status()).isEqualTo(404);
    }

    @Test
    void onlyAdminsPurgeAndPurgedTasksAreGoneForGood() {
        long[] b = fx().board("Purge");
        long one = fx().task(b[0], "purge me");
        long two = fx().task(b[0], "purge me too");
        http.post("/api/v1/tasks/" + one + "/comments", obj("body", "goes with it"));
        http.delete("/api/v1/tasks/" + one);
        http.delete("/api/v1/tasks/" + two);

        Http member = clientFor("purge-member", defaultWorkspace, Role.MEMBER);
        assertThat(member.delete("/api/v1/trash/" + one).status()).isEqualTo(403);
        assertThat(http.delete("/api/v1/trash/" + one).status()).isEqualTo(204);
        assertThat(http.delete("/api/v1/trash/" + one).status()).isEqualTo(404);
        assertThat(jdbc.sql("select count(*) from comments where task_id = :t")
                        .param("t", one)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(http.post("/api/v1/tasks/" + one + "/restore", null).status())
                .isEqualTo(404);
        assertThat(historyOf(one)).endsWith("purged");

        Response emptied = http.delete("/api/v1/trash?board_id=" + b[0]);
        assertThat(emptied.status()).as(emptied.body()).isEqualTo(200);
        assertThat(emptied.json().get("purged").asLong()).isEqualTo(1);
        assertThat(count("tasks where id = " + two)).isZero();
    }

    @Test
    void theRetentionJobPurgesOnlyExpiredTrashOnceAcrossInstances() throws Exception {
        long[] b = fx().board("Retention");
        long expired = fx().task(b[0], "deleted long ago");
        long recent = fx().task(b[0], "deleted just now");
        http.delete("/api/v1/tasks/" + expired);
        http.delete("/api/v1/tasks/" + recent);
        jdbc.sql("update tasks set deleted_at = now() - interval '31 days' where id = :t")
                .param("t", expired)
                .update();

        // two "instances" run the job at the same moment: the task is purged exactly once, nobody fails
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Instant now = Instant.now();
            Future<Long> a = pool.submit(() -> retention.purge(now));
            Future<Long> c = pool.submit(() -> retention.purge(now));
            assertThat(a.get() + c.get()).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
        assertThat(count("tasks where id = " + expired)).isZero();
        assertThat(http.get("/api/v1/trash?board_id=" + b[0])
                        .json()
                        .get("items")
                        .findValuesAsString("title"))
                .containsExactly("deleted just now");
        assertThat(retention.purge(Instant.now().plus(Duration.ofDays(31)))).isGreaterThanOrEqualTo(1);
        assertThat(count("tasks where id = " + recent)).isZero();
    }

    @Test
    void anArchivedBoardLeavesTheBoardListAndComesBack() {
        long[] b = fx().board("Archived board");
        assertThat(http.post("/api/v1/boards/" + b[0] + "/archive", null).status())
                .isEqualTo(200);
        assertThat(http.get("/api/v1/boards?limit=500").json().get("items").findValuesAsString("name"))
                .doesNotContain("Archived board");
        assertThat(http.get("/api/v1/boards?archived=true").json().get("items").findValuesAsString("name"))
                .contains("Archived board");
        assertThat(http.get("/api/v1/boards/" + b[0]).status()).isEqualTo(200);
        assertThat(http.post("/api/v1/boards/" + b[0] + "/restore", null).status())
                .isEqualTo(200);
        assertThat(http.get("/api/v1/boards?limit=500").json().get("items").findValuesAsString("name"))
                .contains("Archived board");
    }

    @Test
    void exportsLeaveTheTrashOutButTheWorkspaceDocumentKeepsArchiveAndTrash() {
        long[] b = fx().board("Exported");
        fx().task(b[0], "on the board");
        long archived = fx().task(b[0], "in the archive");
        long trashed = fx().task(b[0], "in the trash");
        http.post("/api/v1/tasks/" + archived + "/archive", null);
        http.delete("/api/v1/tasks/" + trashed);

        String csv = http.get("/api/v1/export/csv?board_id=" + b[0]).body();
        assertThat(csv).contains("on the board").doesNotContain("in the trash");

        Response export = http.get("/api/v1/export/json");
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.body()).contains("in the archive", "in the trash");

        long target = otherWorkspace("archive-restore-target");
        Http restorer = clientFor("archive-restorer", target, Role.ADMIN);
        Response restored = restorer.execute(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/import/json"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(export.body(), StandardCharsets.UTF_8))
                .build());
        assertThat(restored.status()).as(restored.body()).isIn(200, 201);
        JsonNode boards = restorer.get("/api/v1/boards").json().get("items");
        long board = -1;
        for (JsonNode x : boards) {
            if (x.get("name").asString().equals("Exported")) {
                board = x.get("id").asLong();
            }
        }
        assertThat(restorer.get("/api/v1/tasks?board_id=" + board)
                        .json()
                        .get("items")
                        .findValuesAsString("title"))
                .containsExactly("on the board");
        assertThat(restorer.get("/api/v1/tasks?archived=true&board_id=" + board)
                        .json()
                        .get("items")
                        .findValuesAsString("title"))
                .containsExactly("in the archive");
        assertThat(restorer.get("/api/v1/trash?board_id=" + board)
                        .json()
                        .get("items")
                        .findValuesAsString("title"))
                .containsExactly("in the trash");
        // a board of another workspace is not found, listed or emptied
        assertThat(http.get("/api/v1/trash?board_id=" + board).status()).isEqualTo(404);
        assertThat(http.delete("/api/v1/trash?board_id=" + board).status()).isEqualTo(404);
    }

    private JsonNode boardColumn(long board, int index) {
        Response r = http.get("/api/v1/boards/" + board + "/tasks");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("columns").get(index);
    }

    private static List<Long> ids(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<Long> ids = new java.util.ArrayList<>();
        r.json().get("items").forEach(t -> ids.add(t.get("id").asLong()));
        return ids;
    }

    @Test
    void deletingAParentWithDetachRecordsTheRemovedRelationAndAnnouncesTheSubtask() {
        long[] b = fx().board("Detach");
        long parent = fx().task(b[0], "detach parent");
        long child = fx().task(b[0], "detach child", "parent_id", parent);
        long versionBefore = fx().get(child).get("version").asLong();
        long after = lastEvent();

        assertThat(http.delete("/api/v1/tasks/" + parent + "?cascade=detach").status())
                .isEqualTo(204);
        JsonNode detached = fx().get(child);
        assertThat(detached.get("parent_id").isNull()).isTrue();
        assertThat(detached.get("version").asLong()).isGreaterThan(versionBefore);
        assertThat(historyOf(child)).containsExactly("created", "relation_added", "relation_removed");
        assertThat(historyOf(parent)).containsSubsequence("relation_added", "relation_removed", "deleted");
        assertThat(eventTypes(child, after)).containsExactly("task_updated");
        JsonNode announced = Http.JSON.readTree(
                jdbc.sql("select payload::text from outbox_events where task_id = :t and id > :after order by id")
                        .param("t", child)
                        .param("after", after)
                        .query(String.class)
                        .single());
        assertThat(announced.get("task").get("parent_id").isNull()).isTrue();
        assertThat(announced.get("task").get("version").asLong())
                .isEqualTo(detached.get("version").asLong());
    }

    @Test
    void restoringAnOpenBlockerFromTheTrashAnnouncesItsDependantBlockedAgain() {
        long[] b = fx().board("Blocker back");
        long blocker = fx().task(b[0], "blocker");
        long waiting = fx().task(b[0], "waiting");
        assertThat(http.post("/api/v1/tasks/" + blocker + "/relations", obj("kind", "blocks", "task_id", waiting))
                        .status())
                .isEqualTo(201);
        long beforeDelete = lastEvent();
        assertThat(http.delete("/api/v1/tasks/" + blocker).status()).isEqualTo(204);
        assertThat(eventTypes(waiting, beforeDelete)).containsExactly("task_unblocked");
        assertThat(fx().get(waiting).get("blocked").asBoolean()).isFalse();

        long beforeRestore = lastEvent();
        assertThat(http.post("/api/v1/tasks/" + blocker + "/restore", null).status())
                .isEqualTo(200);
        assertThat(fx().get(waiting).get("blocked").asBoolean()).isTrue();
        assertThat(eventTypes(waiting, beforeRestore)).containsExactly("task_blocked");
    }

    @Test
    void deletingAColumnHandsItsArchivedCardsToAColumnWhoseKindTheirStatusFollows() {
        long[] b = fx().board("Columns go");
        long fin = http.post("/api/v1/boards/" + b[0] + "/columns", obj("name", "Fin", "kind", "done"))
                .id();
        long check = http.post("/api/v1/boards/" + b[0] + "/columns", obj("name", "Check", "kind", "review"))
                .id();
        long finished = fx().task(b[0], "finished", "column_id", fin);
        long checking = fx().task(b[0], "checking", "column_id", check);
        assertThat(fx().get(finished).get("status").asString()).isEqualTo("completed");
        assertThat(fx().get(checking).get("status").asString()).isEqualTo("in_progress");
        for (long t : List.of(finished, checking)) {
            assertThat(http.post("/api/v1/tasks/" + t + "/archive", null).status())
                    .isEqualTo(200);
        }
        assertThat(http.delete("/api/v1/boards/" + b[0] + "/columns/" + fin).status())
                .isEqualTo(204);
        assertThat(http.delete("/api/v1/boards/" + b[0] + "/columns/" + check).status())
                .isEqualTo(204);

        // a done card goes to the board's other done column and stays completed
        JsonNode done =
                http.post("/api/v1/tasks/" + finished + "/restore", null).json();
        assertThat(done.get("column_id").asLong()).isEqualTo(b[4]);
        assertThat(done.get("status").asString()).isEqualTo("completed");
        // no review column is left: the card goes to the first column, which un-starts it, as a move would
        JsonNode backlog =
                http.post("/api/v1/tasks/" + checking + "/restore", null).json();
        assertThat(backlog.get("column_id").asLong()).isEqualTo(b[1]);
        assertThat(backlog.get("status").asString()).isEqualTo("pending");
        assertThat(historyOf(checking)).contains("moved", "status_changed");
    }

    private long lastEvent() {
        return jdbc.sql("select coalesce(max(id), 0) from outbox_events")
                .query(Long.class)
                .single();
    }

    private List<String> eventTypes(long task, long after) {
        return jdbc.sql("select type from outbox_events where task_id = :t and id > :after order by id")
                .param("t", task)
                .param("after", after)
                .query(String.class)
                .list();
    }

    private List<String> historyOf(long task) {
        return jdbc.sql("select action from task_history where task_id = :t order by id")
                .param("t", task)
                .query(String.class)
                .list();
    }
}
