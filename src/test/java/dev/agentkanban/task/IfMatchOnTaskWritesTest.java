package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every write under {@code /tasks/{id}/...} that makes a new version of the task takes {@code If-Match}
 * as the task's version (SPEC §4): a stale one is a 412 {@code stale-version} that changes nothing, the
 * current one lets the write through, none at all too. And a {@code version} in a PATCH or PUT body is
 * the same precondition as {@code If-Match} (seed 003's optimistic locking).
 */
class IfMatchOnTaskWritesTest extends ApiTest {

    private TaskFixtures fx;

    private TaskFixtures fx() {
        if (fx == null) {
            fx = new TaskFixtures(http);
        }
        return fx;
    }

    @Test
    void tagCommentRelationEvidenceAndClaimWritesRefuseAStaleIfMatch() {
        long[] b = fx().board("If-Match writes");
        long task = fx().task(b[0], "guarded");
        long other = fx().task(b[0], "the other one");
        http.patch("/api/v1/tasks/" + task, obj("title", "guarded, v2"));
        String base = "/api/v1/tasks/" + task;

        guarded(task, m -> http.post(base + "/tags", obj("name", "bug"), "If-Match", m), 200, () -> tags(task));
        guarded(
                task,
                m -> http.put(base + "/tags", obj("names", List.of("bug", "ui")), "If-Match", m),
                200,
                () -> tags(task));
        long bug = http.get(base + "/tags").json().get(0).get("id").asLong();
        guarded(task, m -> http.delete(base + "/tags/" + bug, "If-Match", m), 204, () -> tags(task));
        guarded(
                task,
                m -> http.post(base + "/comments", obj("body", "hi"), "If-Match", m),
                201,
                () -> fx().get(task).get("comment_count").asLong());
        guarded(
                task,
                m -> http.post(base + "/relations", obj("kind", "blocked_by", "task_id", other), "If-Match", m),
                201,
                () -> fx().get(task).get("blocked").asBoolean());
        guarded(
                task,
                m -> http.delete(base + "/relations?kind=blocked_by&task_id=" + other, "If-Match", m),
                200,
                () -> fx().get(task).get("blocked").asBoolean());
        guarded(
                task,
                m -> http.post(base + "/evidence", obj("kind", "note", "note", "proof"), "If-Match", m),
                201,
                () -> http.get(base + "/evidence").json().get("total").asLong());
        guarded(
                task,
                m -> http.post(base + "/claim", null, "If-Match", m),
                200,
                () -> fx().get(task).get("claimed_by").toString());
        guarded(
                task,
                m -> http.post(base + "/renew", obj("lease_seconds", 600), "If-Match", m),
                200,
                () -> fx().get(task).get("claim_expires_at").toString());
        guarded(
                task,
                m -> http.post(base + "/release", null, "If-Match", m),
                200,
                () -> fx().get(task).get("claimed_by").toString());

        assertThat(http.post(base + "/archive", null).status()).isEqualTo(200);
        guarded(
                task,
                m -> http.post(base + "/restore", null, "If-Match", m),
                200,
                () -> fx().get(task).get("archived_at").toString());

        // without If-Match nothing changes: the precondition is optional
        assertThat(http.post(base + "/tags", obj("name", "free")).status()).isEqualTo(200);
        assertThat(http.post(base + "/comments", obj("body", "free")).status()).isEqualTo(201);
    }

    /**
     * A tag or relation write answers the task's new version as {@code ETag} (and the tag list its current
     * one), so a client can send the next write's {@code If-Match} without reading the task again.
     */
    @Test
    void tagAndRelationAnswersCarryTheTasksNewEtag() {
        long[] b = fx().board("ETag chain");
        long task = fx().task(b[0], "chained");
        long other = fx().task(b[0], "blocker");
        String base = "/api/v1/tasks/" + task;

        Response listed = http.get(base + "/tags");
        assertThat(listed.header("ETag")).hasValue(etag(task));

        Response attached = http.post(base + "/tags", obj("name", "bug"), "If-Match", etag(task));
        assertThat(attached.status()).as(attached.body()).isEqualTo(200);
        String next = attached.header("ETag").orElseThrow();
        assertThat(next)
                .isEqualTo(etag(task))
                .isNotEqualTo(listed.header("ETag").orElseThrow());
        long bug = attached.json().get(0).get("id").asLong();

        Response replaced = http.put(base + "/tags", obj("names", List.of("bug", "ui")), "If-Match", next);
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        next = replaced.header("ETag").orElseThrow();
        assertThat(next).isEqualTo(etag(task));

        Response detached = http.delete(base + "/tags/" + bug, "If-Match", next);
        assertThat(detached.status()).as(detached.body()).isEqualTo(204);
        next = detached.header("ETag").orElseThrow();
        assertThat(next).isEqualTo(etag(task));

        Response related =
                http.post(base + "/relations", obj("kind", "blocked_by", "task_id", other), "If-Match", next);
        assertThat(related.status()).as(related.body()).isEqualTo(201);
        assertThat(related.header("Location")).hasValue(base + "/relations");
        next = related.header("ETag").orElseThrow();
        assertThat(next).isEqualTo(etag(task));
        assertThat("\"" + related.json().get("task_version").asLong() + "\"").isEqualTo(next);

        Response unrelated = http.delete(base + "/relations?kind=blocked_by&task_id=" + other, "If-Match", next);
        assertThat(unrelated.status()).as(unrelated.body()).isEqualTo(200);
        next = unrelated.header("ETag").orElseThrow();
        assertThat(next).isEqualTo(etag(task));

        assertThat(http.patch(base, obj("title", "chained, done"), "If-Match", next)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void theClaimAnswersCarryTheTasksNewEtag() {
        long[] b = fx().board("If-Match claim");
        long task = fx().task(b[0], "claimed");
        Response claimed = http.post("/api/v1/tasks/" + task + "/claim", null, "If-Match", etag(task));
        assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
        assertThat(claimed.header("ETag")).hasValue(etag(task));
        Response released = http.post("/api/v1/tasks/" + task + "/release", null, "If-Match", etag(task));
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(released.header("ETag")).hasValue(etag(task));
    }

    @Test
    void aVersionInAPatchOrPutBodyIsAPrecondition() {
        long[] b = fx().board("Body version");
        long task = fx().task(b[0], "v1");
        String path = "/api/v1/tasks/" + task;

        Response stale = http.patch(path, obj("title", "x", "version", 999));
        assertThat(stale.status()).as(stale.body()).isEqualTo(412);
        assertThat(stale.json().get("type").asString()).endsWith("stale-version");
        assertThat(http.put(path, obj("title", "x", "version", 999)).status()).isEqualTo(412);
        assertThat(fx().get(task).get("title").asString()).isEqualTo("v1");

        Response current = http.patch(path, obj("title", "v2", "version", 1));
        assertThat(current.status()).as(current.body()).isEqualTo(200);
        assertThat(current.header("ETag")).hasValue("\"2\"");
        assertThat(http.put(path, obj("title", "v3", "version", 2)).status()).isEqualTo(200);

        // both given: both must be current
        assertThat(http.patch(path, obj("title", "x", "version", 3), "If-Match", "\"2\"")
                        .status())
                .isEqualTo(412);
        assertThat(http.patch(path, obj("title", "x", "version", 2), "If-Match", "\"3\"")
                        .status())
                .isEqualTo(412);
        assertThat(fx().get(task).get("title").asString()).isEqualTo("v3");
        assertThat(http.patch(path, obj("title", "v4", "version", 3), "If-Match", "\"3\"")
                        .status())
                .isEqualTo(200);

        // a version that is not a whole number is a bad field, not an ignored one
        Response bad = http.patch(path, obj("title", "x", "version", "four"));
        assertThat(bad.status()).as(bad.body()).isEqualTo(422);
        assertThat(bad.body()).contains("version");
    }

    /**
     * {@code If-Match} is a list of entity tags (RFC 9110 §13.1.1): the write goes ahead when any of them
     * is the task's current version, and is a 412 that changes nothing when none is; {@code *} matches
     * the existing task. A list that does not parse is a 400, not a precondition silently dropped.
     */
    @Test
    void anIfMatchListLetsAWriteThroughWhenAnyListedEtagIsCurrent() {
        long[] b = fx().board("If-Match lists");
        long task = fx().task(b[0], "v1");
        String path = "/api/v1/tasks/" + task;

        Response listed = http.patch(path, obj("title", "v2"), "If-Match", "\"7\", \"1\"");
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(listed.header("ETag")).hasValue("\"2\"");

        Response stale = http.patch(path, obj("title", "x"), "If-Match", "\"1\", \"3\"");
        assertThat(stale.status()).as(stale.body()).isEqualTo(412);
        assertThat(stale.json().get("type").asString()).endsWith("stale-version");
        assertThat(stale.json().get("current_version").asLong()).isEqualTo(2);
        assertThat(http.delete(path, "If-Match", "\"1\",\"3\"").status()).isEqualTo(412);
        assertThat(fx().get(task).get("title").asString()).isEqualTo("v2");

        Response completed = http.post(path + "/complete", null, "If-Match", "\"1\", \"2\"");
        assertThat(completed.status()).as(completed.body()).isEqualTo(200);
        assertThat(http.put(path, obj("title", "v4"), "If-Match", "*").status()).isEqualTo(200);

        Response malformed = http.patch(path, obj("title", "x"), "If-Match", "\"4\", nonsense");
        assertThat(malformed.status()).as(malformed.body()).isEqualTo(400);
        assertThat(malformed.json().get("type").asString()).endsWith("bad-precondition");
        assertThat(fx().get(task).get("title").asString()).isEqualTo("v4");
    }

    /**
     * {@code If-None-Match: *} on a write asks that the task not exist (RFC 9110 §13.1.2), which a write
     * to an existing task never satisfies: 412 and nothing changes. A missing task stays a 404. A list
     * refuses the write when it names the current version.
     */
    @Test
    void ifNoneMatchStarRefusesEveryWriteToAnExistingTask() {
        long[] b = fx().board("If-None-Match writes");
        long task = fx().task(b[0], "kept");
        String path = "/api/v1/tasks/" + task;

        for (Response r : List.of(
                http.patch(path, obj("title", "patched"), "If-None-Match", "*"),
                http.put(path, obj("title", "replaced"), "If-None-Match", "*"),
                http.post(path + "/complete", null, "If-None-Match", "*"),
                http.post(path + "/tags", obj("name", "bug"), "If-None-Match", "*"),
                http.delete(path, "If-None-Match", "*"))) {
            assertThat(r.status()).as(r.body()).isEqualTo(412);
            assertThat(r.json().get("type").asString()).endsWith("stale-version");
        }
        JsonNode kept = fx().get(task);
        assertThat(kept.get("title").asString()).isEqualTo("kept");
        assertThat(kept.get("status").asString()).isEqualTo("pending");
        assertThat(kept.get("version").asLong()).isEqualTo(1);
        assertThat(tags(task)).isEmpty();

        assertThat(http.patch(path, obj("title", "x"), "If-None-Match", "\"1\"").status())
                .isEqualTo(412);
        assertThat(http.patch(path, obj("title", "v2"), "If-None-Match", "\"5\"")
                        .status())
                .isEqualTo(200);
        assertThat(http.patch("/api/v1/tasks/987654321", obj("title", "x"), "If-None-Match", "*")
                        .status())
                .isEqualTo(404);
    }

    /**
     * {@code write} with the version before the task's current one as If-Match (what a client that missed
     * the last change sends) is a 412 {@code stale-version} that changes neither the task's ETag nor
     * {@code effect}; with the current ETag it answers {@code status} and changes {@code effect}.
     */
    private void guarded(long task, Function<String, Response> write, int status, Supplier<Object> effect) {
        String current = etag(task);
        Object before = effect.get();
        long version = Long.parseLong(current.replace("\"", ""));
        assertThat(version).isGreaterThan(1);

        Response stale = write.apply("\"" + (version - 1) + "\"");
        assertThat(stale.status()).as(stale.body()).isEqualTo(412);
        assertThat(stale.json().get("type").asString()).contains("stale-version");
        assertThat(stale.json().get("current_version").asLong()).isEqualTo(version);
        assertThat(etag(task)).isEqualTo(current);
        assertThat(effect.get()).isEqualTo(before);

        Response fresh = write.apply(current);
        assertThat(fresh.status()).as(fresh.body()).isEqualTo(status);
        assertThat(effect.get()).isNotEqualTo(before);
    }

    private List<String> tags(long task) {
        List<String> names = new ArrayList<>();
        http.get("/api/v1/tasks/" + task + "/tags")
                .json()
                .forEach(t -> names.add(t.get("name").asString()));
        return names;
    }

    private String etag(long task) {
        return http.get("/api/v1/tasks/" + task).header("ETag").orElseThrow();
    }
}
