package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Checklists (issue 14): ordered items with CRUD, reorder by gap positions, ticking and conversion
 * to a subtask; each change is a new version of the task (If-Match on it), a history row and a
 * {@code task_updated} event.
 */
class ChecklistApiTest extends ApiTest {

    TaskFixtures fx;

    @BeforeAll
    void fixtures() {
        fx = new TaskFixtures(http);
    }

    long add(long task, String text, Object... more) {
        List<Object> body = new ArrayList<>(List.of("text", text));
        body.addAll(List.of(more));
        Response r = http.post("/api/v1/tasks/" + task + "/checklist", obj(body.toArray()));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("item").get("id").asLong();
    }

    List<String> texts(long task) {
        List<String> texts = new ArrayList<>();
        http.get("/api/v1/tasks/" + task + "/checklist")
                .json()
                .get("items")
                .forEach(i -> texts.add(i.get("text").asString()));
        return texts;
    }

    @Test
    void itemsAreOrderedTickedReorderedAndDeletedAsNewVersionsOfTheTask() {
        long[] b = fx.board("Checklists");
        long task = fx.task(b[0], "release");
        long v1 = fx.get(task).get("version").asLong();
        long tag = add(task, "tag the release");
        long notes = add(task, "write release notes", "assignee", "ann", "due_date", "2030-01-31T17:00:00Z");
        long first = add(task, "freeze the branch", "position", 0);
        long between = add(task, "run the smoke tests", "after_id", first);
        assertThat(texts(task))
                .containsExactly("freeze the branch", "run the smoke tests", "tag the release", "write release notes");
        long v5 = fx.get(task).get("version").asLong();
        assertThat(v5).isEqualTo(v1 + 4);

        Response ticked = http.patch(
                "/api/v1/tasks/" + task + "/checklist/" + first, obj("done", true), "If-Match", "\"" + v5 + "\"");
        assertThat(ticked.status()).as(ticked.body()).isEqualTo(200);
        assertThat(ticked.json().get("item").get("done").asBoolean()).isTrue();
        assertThat(ticked.json().get("task").get("checklist").get("done").asLong())
                .isEqualTo(1);
        assertThat(ticked.json().get("task").get("checklist").get("total").asLong())
                .isEqualTo(4);
        assertThat(ticked.header("ETag")).contains("\"" + (v5 + 1) + "\"");
        // a stale If-Match changes nothing
        Response stale = http.patch(
                "/api/v1/tasks/" + task + "/checklist/" + tag, obj("done", true), "If-Match", "\"" + v5 + "\"");
        assertThat(stale.status()).isEqualTo(412);

        Response moved =
                http.post("/api/v1/tasks/" + task + "/checklist/" + notes + "/move", obj("before_id", between));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(texts(task))
                .containsExactly("freeze the branch", "write release notes", "run the smoke tests", "tag the release");
        assertThat(http.post("/api/v1/tasks/" + task + "/checklist/" + first + "/move", obj("position", 3))
                        .status())
                .isEqualTo(200);
        assertThat(texts(task))
                .containsExactly("write release notes", "run the smoke tests", "tag the release", "freeze the branch");

        assertThat(http.delete("/api/v1/tasks/" + task + "/checklist/" + tag).status())
                .isEqualTo(200);
        assertThat(texts(task)).containsExactly("write release notes", "run the smoke tests", "freeze the branch");

        List<String> trail = jdbc.sql(
                        "select action from task_history where task_id = :t and field = 'checklist' order by id")
                .param("t", task)
                .query(String.class)
                .list();
        assertThat(trail)
                .containsExactly(
                        "checklist_item_added",
                        "checklist_item_added",
                        "checklist_item_added",
                        "checklist_item_added",
                        "checklist_item_checked",
                        "checklist_item_moved",
                        "checklist_item_moved",
                        "checklist_item_deleted");
        assertThat(count("outbox_events where type = 'task_updated' and task_id = " + task
                        + " and payload->'checklist' is not null"))
                .isEqualTo(8);
    }

    @Test
    void manyReordersAtOneSpotRenumberTheChecklist() {
        long[] b = fx.board("Renumber");
        long task = fx.task(b[0], "crowded");
        long a = add(task, "a");
        long z = add(task, "z");
        List<Long> inserted = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // 20 midpoints into one gap of 65,536 need a renumbering
            inserted.add(add(task, "between " + i, "before_id", z));
        }
        List<Long> order = new ArrayList<>();
        http.get("/api/v1/tasks/" + task + "/checklist")
                .json()
                .get("items")
                .forEach(i -> order.add(i.get("id").asLong()));
        List<Long> expected = new ArrayList<>(List.of(a));
        expected.addAll(inserted);
        expected.add(z);
        assertThat(order).containsExactlyElementsOf(expected);
    }

    @Test
    void anItemBecomesASubtask() {
        long[] b = fx.board("Convert");
        long task = fx.task(b[0], "big job", "epic", "launch");
        long item = add(task, "a part big enough for its own card", "assignee", "bob");
        Response converted = http.post("/api/v1/tasks/" + task + "/checklist/" + item + "/convert", null);
        assertThat(converted.status()).as(converted.body()).isEqualTo(201);
        JsonNode subtask = converted.json().get("subtask");
        assertThat(subtask.get("title").asString()).isEqualTo("a part big enough for its own card");
        assertThat(subtask.get("parent_id").asLong()).isEqualTo(task);
        assertThat(subtask.get("assignee").asString()).isEqualTo("bob");
        assertThat(subtask.get("epic").asString()).isEqualTo("launch");
        JsonNode parent = converted.json().get("task");
        assertThat(parent.get("checklist").get("total").asLong()).isZero();
        assertThat(parent.get("subtasks").get("total").asLong()).isEqualTo(1);
        assertThat(texts(task)).isEmpty();
    }

    @Test
    void badChecklistRequestsChangeNothing() {
        long[] b = fx.board("Bad checklists");
        long task = fx.task(b[0], "guarded");
        long item = add(task, "only item");
        long events = count("outbox_events");
        long history = count("task_history");
        long version = fx.get(task).get("version").asLong();
        assertThat(http.post("/api/v1/tasks/" + task + "/checklist", obj("text", " "))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/tasks/" + task + "/checklist", obj("text", "x".repeat(501)))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/tasks/" + task + "/checklist", obj("text", "ok", "before_id", 987654))
                        .status())
                .isEqualTo(422);
        assertThat(http.patch("/api/v1/tasks/" + task + "/checklist/" + item, obj("done", null))
                        .status())
                .isEqualTo(422);
        assertThat(http.patch("/api/v1/tasks/" + task + "/checklist/" + item, obj("text", ""))
                        .status())
                .isEqualTo(422);
        assertThat(http.patch("/api/v1/tasks/" + task + "/checklist/987654", obj("done", true))
                        .status())
                .isEqualTo(404);
        assertThat(http.post("/api/v1/tasks/987654/checklist", obj("text", "orphan"))
                        .status())
                .isEqualTo(404);
        assertThat(http.post("/api/v1/tasks/" + task + "/checklist/" + item + "/move", obj("before_id", item))
                        .status())
                .isEqualTo(422);
        Http viewer = clientFor("checklist-viewer", defaultWorkspace, Role.VIEWER);
        assertThat(viewer.post("/api/v1/tasks/" + task + "/checklist", obj("text", "peek"))
                        .status())
                .isEqualTo(403);
        assertThat(viewer.get("/api/v1/tasks/" + task + "/checklist").status()).isEqualTo(200);
        long other = otherWorkspace("checklist-elsewhere");
        Http outsider = clientFor("checklist-outsider", other, Role.ADMIN);
        assertThat(outsider.get("/api/v1/tasks/" + task + "/checklist").status())
                .isEqualTo(404);
        assertThat(outsider.patch("/api/v1/tasks/" + task + "/checklist/" + item, obj("done", true))
                        .status())
                .isEqualTo(404);
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(count("task_history")).isEqualTo(history);
        assertThat(fx.get(task).get("version").asLong()).isEqualTo(version);
    }
}
