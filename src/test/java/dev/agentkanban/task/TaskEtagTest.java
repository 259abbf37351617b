package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A task's ETag is its version (SPEC §4), and it changes whenever what {@code GET /api/v1/tasks/{id}}
 * shows changes (V71): a client revalidating with {@code If-None-Match} never keeps a stale task. Each
 * change of a part the task's JSON shows (comments' number, tags, blockers, parent and subtasks, its
 * column's name) answers 200 with a new ETag to the old one; a change the JSON does not show (a
 * comment's text, a relates_to link) still answers 304. A write with the old version is then 412.
 */
class TaskEtagTest extends ApiTest {

    private TaskFixtures fx;

    private TaskFixtures fx() {
        if (fx == null) {
            fx = new TaskFixtures(http);
        }
        return fx;
    }

    @Test
    void commentsTagsAndRelationsGiveTheTaskANewEtag() {
        long[] b = fx().board("ETags");
        long task = fx().task(b[0], "revalidated");
        long other = fx().task(b[0], "the other one");

        String etag = unchanged(task, etagOf(task));
        Response comment = http.post("/api/v1/tasks/" + task + "/comments", obj("body", "first"));
        assertThat(comment.status()).as(comment.body()).isEqualTo(201);
        etag = changed(task, etag, () -> fx().get(task).get("comment_count").asLong() == 1);

        // the text of a comment is not in the task's JSON: no new version
        http.patch("/api/v1/comments/" + comment.id(), obj("body", "first, edited"));
        unchanged(task, etag);

        http.delete("/api/v1/comments/" + comment.id());
        etag = changed(task, etag, () -> fx().get(task).get("comment_count").asLong() == 0);

        Response tag = http.post("/api/v1/tasks/" + task + "/tags", obj("name", "etag-tag"));
        assertThat(tag.status()).as(tag.body()).isEqualTo(200);
        long tagId = tag.json().get(0).get("id").asLong();
        etag = changed(task, etag, () -> fx().get(task).get("tags").size() == 1);

        http.patch("/api/v1/tags/" + tagId, obj("name", "etag-renamed"));
        etag = changed(
                task,
                etag,
                () -> fx().get(task).get("tags").get(0).get("name").asString().equals("etag-renamed"));

        http.delete("/api/v1/tasks/" + task + "/tags/" + tagId);
        etag = changed(task, etag, () -> fx().get(task).get("tags").isEmpty());

        // a relates_to link is not in the task's JSON; a blocker is
        relate(task, "relates_to", other);
        etag = unchanged(task, etag);
        relate(task, "blocked_by", other);
        etag = changed(task, etag, () -> fx().get(task).get("blocked").asBoolean());

        // the blocker as the blocked task shows it: its title, and whether it is open
        http.patch("/api/v1/tasks/" + other, obj("title", "the other one, renamed"));
        etag = changed(
                task,
                etag,
                () -> fx().get(task)
                        .get("blockers")
                        .get(0)
                        .get("title")
                        .asString()
                        .equals("the other one, renamed"));
        http.post("/api/v1/tasks/" + other + "/complete", null);
        etag = changed(task, etag, () -> !fx().get(task).get("blocked").asBoolean());

        // the old version is stale for a write, as any change makes it
        String stale = etagOf(task);
        http.post("/api/v1/tasks/" + task + "/comments", obj("body", "second"));
        Response write = http.patch("/api/v1/tasks/" + task, obj("title", "stale write"), "If-Match", stale);
        assertThat(write.status()).as(write.body()).isEqualTo(412);
        Response fresh = http.patch("/api/v1/tasks/" + task, obj("title", "fresh write"), "If-Match", etagOf(task));
        assertThat(fresh.status()).as(fresh.body()).isEqualTo(200);
    }

    @Test
    void subtasksTheColumnsNameAndANewTasksPartsFollowTheEtag() {
        long[] b = fx().board("ETag parts");
        // created with tags and under a parent in one request: one version, as before
        long parent = fx().task(b[0], "parent");
        String parentEtag = etagOf(parent);
        Response created = http.post(
                "/api/v1/tasks",
                obj("board_id", b[0], "title", "child", "tags", List.of("etag-new"), "parent_id", parent));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long child = created.id();
        assertThat(created.json().get("version").asLong()).isEqualTo(1);
        assertThat(etagOf(child)).isEqualTo("\"1\"");
        parentEtag = changed(
                parent,
                parentEtag,
                () -> fx().get(parent).get("subtasks").get("total").asLong() == 1);

        http.post("/api/v1/tasks/" + child + "/complete", null);
        parentEtag = changed(
                parent,
                parentEtag,
                () -> fx().get(parent).get("subtasks").get("done").asLong() == 1);

        // the task shows its column's name
        Response renamed = http.patch("/api/v1/boards/" + b[0] + "/columns/" + b[1], obj("name", "Ideas"));
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        changed(
                parent,
                parentEtag,
                () -> fx().get(parent).get("column").asString().equals("Ideas"));
    }

    /**
     * Deleting a board deletes its tasks and their relations: a task on another board that showed one of
     * them (an open blocker, its parent, a counted subtask) has a new version; one that showed none of
     * them (its blocker was completed already) keeps its version.
     */
    @Test
    void aDeletedBoardsTasksGiveTheTasksThatShowedThemANewEtag() {
        long[] deleted = fx().board("ETag board deleted");
        long[] kept = fx().board("ETag board kept");
        long blocker = fx().task(deleted[0], "blocker elsewhere");
        long blocked = fx().task(kept[0], "blocked here");
        relate(blocker, "blocks", blocked);
        long parent = fx().task(deleted[0], "parent elsewhere");
        long child = fx().task(kept[0], "child here");
        relate(child, "parent", parent);
        long subtask = fx().task(deleted[0], "subtask elsewhere");
        long parentHere = fx().task(kept[0], "parent here");
        relate(subtask, "parent", parentHere);
        long done = fx().task(deleted[0], "completed blocker elsewhere");
        long unaffected = fx().task(kept[0], "blocked by a completed task");
        relate(done, "blocks", unaffected);
        http.post("/api/v1/tasks/" + done + "/complete", null);

        assertThat(fx().get(blocked).get("blocked").asBoolean()).isTrue();
        assertThat(fx().get(child).get("parent_id").asLong()).isEqualTo(parent);
        assertThat(fx().get(parentHere).get("subtasks").get("total").asLong()).isEqualTo(1);
        assertThat(fx().get(unaffected).get("blocked").asBoolean()).isFalse();
        String blockedEtag = etagOf(blocked);
        String childEtag = etagOf(child);
        String parentEtag = etagOf(parentHere);
        String unaffectedEtag = etagOf(unaffected);

        Response gone = http.delete("/api/v1/boards/" + deleted[0]);
        assertThat(gone.status()).as(gone.body()).isEqualTo(204);

        changed(
                blocked,
                blockedEtag,
                () -> !fx().get(blocked).get("blocked").asBoolean()
                        && fx().get(blocked).get("blockers").isEmpty());
        changed(child, childEtag, () -> fx().get(child).get("parent_id").isNull());
        changed(
                parentHere,
                parentEtag,
                () -> fx().get(parentHere).get("subtasks").get("total").asLong() == 0);
        unchanged(unaffected, unaffectedEtag);
    }

    /** A user deleted: the tasks they were assigned to no longer show them, with a new version. */
    @Test
    void aDeletedAssigneeGivesTheTaskANewEtag() {
        long[] b = fx().board("ETag assignee deleted");
        long task = fx().task(b[0], "assigned to a leaver");
        long user = identities
                .provision("etag-leaver", "etag-leaver-password", defaultWorkspace, Role.MEMBER, false)
                .id();
        Response assigned = http.put("/api/v1/tasks/" + task + "/assignees", obj("assignees", List.of("etag-leaver")));
        assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
        String etag = etagOf(task);
        assertThat(fx().get(task).get("assignees").size()).isEqualTo(1);

        Response deleted = http.delete("/api/v1/users/" + user);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);

        changed(task, etag, () -> fx().get(task).get("assignees").isEmpty());
    }

    private void relate(long task, String kind, long other) {
        Response r = http.post("/api/v1/tasks/" + task + "/relations", obj("kind", kind, "task_id", other));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private String etagOf(long task) {
        return http.get("/api/v1/tasks/" + task).header("ETag").orElseThrow();
    }

    /** The task answers 304 to its ETag; returns it. */
    private String unchanged(long task, String etag) {
        Response r = http.get("/api/v1/tasks/" + task, "If-None-Match", etag);
        assertThat(r.status())
                .as("task %d revalidated with %s: %s", task, etag, r.body())
                .isEqualTo(304);
        return etag;
    }

    /** The task's JSON changed as SHOWN says, and its old ETag answers 200 with the new one; returns that. */
    private String changed(long task, String old, Supplier<Boolean> shown) {
        assertThat(shown.get()).as("the change is in task %d's JSON", task).isTrue();
        Response r = http.get("/api/v1/tasks/" + task, "If-None-Match", old);
        assertThat(r.status())
                .as("task %d revalidated with the old %s", task, old)
                .isEqualTo(200);
        String etag = r.header("ETag").orElseThrow();
        assertThat(etag).isNotEqualTo(old);
        assertThat(etag).isEqualTo("\"" + r.json().get("version").asLong() + "\"");
        return unchanged(task, etag);
    }
}
