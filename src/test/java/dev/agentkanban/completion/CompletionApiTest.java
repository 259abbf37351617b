package dev.agentkanban.completion;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /tasks/{id}/complete} records why, as MCP's complete_task does (SPEC §4 and §6): notes as
 * the caller's comment, evidence as text, link or a list, all in the completion's transaction — a bad
 * part is a 422 naming it and nothing at all is written.
 */
class CompletionApiTest extends ApiTest {

    @Test
    void completingWithNotesAndEvidenceRecordsThemWithTheCompletion() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Complete with proof");
        long task = fx.task(b[0], "ship it");
        String path = "/api/v1/tasks/" + task;

        Response done = http.post(
                path + "/complete",
                obj(
                        "notes",
                        "shipped in 1.2",
                        "evidence_text",
                        "42 tests passed",
                        "evidence_link",
                        "https://example.com/pr/7",
                        "evidence",
                        List.of(obj(
                                "kind",
                                "measurement",
                                "measurement_value",
                                3.5,
                                "measurement_unit",
                                "kg",
                                "lat",
                                52.5,
                                "lon",
                                13.4))),
                "If-Match",
                "\"1\"");
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.json().get("status").asString()).isEqualTo("completed");
        assertThat(done.header("ETag"))
                .hasValue("\"" + done.json().get("version").asLong() + "\"");
        assertThat(done.header("ETag")).hasValue(http.get(path).header("ETag").orElseThrow());

        JsonNode comments = http.get(path + "/comments").json();
        assertThat(comments.toString()).contains("shipped in 1.2");
        JsonNode evidence = http.get(path + "/evidence").json();
        assertThat(evidence.get("total").asLong()).isEqualTo(3);
        assertThat(evidence.get("items"))
                .extracting(e -> e.get("kind").asString())
                .containsExactlyInAnyOrder("note", "link", "measurement");
        assertThat(count("task_history", task, "evidence_added")).isEqualTo(3);
        assertThat(count("task_history", task, "comment_added")).isEqualTo(1);
    }

    @Test
    void aBadPartIsA422NamingItAndNothingIsWritten() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Complete refused");
        long task = fx.task(b[0], "not yet");
        String path = "/api/v1/tasks/" + task;
        long events =
                jdbc.sql("select count(*) from outbox_events").query(Long.class).single();

        assertInvalid(
                path,
                obj(
                        "notes",
                        "done",
                        "evidence",
                        List.of(obj("kind", "note", "note", "fine"), obj("kind", "link", "url", "ftp://nope"))),
                "evidence[1].url");
        assertInvalid(
                path, obj("evidence", List.of(obj("kind", "note", "lat", 91, "lon", 0, "note", "x"))), "evidence[0].");
        assertInvalid(path, obj("evidence_link", "javascript:alert(1)"), "evidence_link");
        assertInvalid(path, obj("notes", "   ", "evidence_text", "ok"), "notes");

        JsonNode t = fx.get(task);
        assertThat(t.get("status").asString()).isEqualTo("pending");
        assertThat(t.get("version").asLong()).isEqualTo(1);
        assertThat(http.get(path + "/evidence").json().get("total").asLong()).isZero();
        assertThat(http.get(path + "/comments").json().toString()).doesNotContain("done");
        assertThat(jdbc.sql("select count(*) from outbox_events")
                        .query(Long.class)
                        .single())
                .isEqualTo(events);

        // no body at all completes as before
        Response plain = http.post(path + "/complete", null);
        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
        assertThat(plain.json().get("status").asString()).isEqualTo("completed");
    }

    private void assertInvalid(String path, Object body, String field) {
        Response r = http.post(path + "/complete", body);
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().get("errors").get(0).get("field").asString()).startsWith(field);
    }

    private long count(String table, long task, String action) {
        return jdbc.sql("select count(*) from " + table + " where task_id = :t and action = :a")
                .param("t", task)
                .param("a", action)
                .query(Long.class)
                .single();
    }
}
