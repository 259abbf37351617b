package dev.agentkanban.platform;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProblemFormatTest extends ApiTest {

    /** One byte over the default MAX_REQUEST_BYTES (1 MiB), as a board name. */
    private static final String TOO_LARGE = "{\"name\":\"" + "x".repeat(1024 * 1024) + "\"}";

    @Test
    void anUnknownPathIsA404ProblemThatRevealsNoInternals() {
        Response r = http.get("/api/v1/no-such-thing");
        assertThat(r.status()).isEqualTo(404);
        assertProblem(r, "not-found");
    }

    @Test
    void aWriteThatWillNotAcceptJsonIsRefusedBeforeItChangesAnything() {
        long board = http.post("/api/v1/boards", "{\"name\": \"Accept check\"}").id();
        long version = jdbc.sql("select version from boards where id = :id")
                .param("id", board)
                .query(Long.class)
                .single();

        Response refused = http.post("/api/v1/boards/" + board + "/archive", null, "Accept", "application/x-nothing");
        assertThat(refused.status()).isEqualTo(406);
        assertProblem(refused, "not-acceptable");
        assertThat(jdbc.sql("select version from boards where id = :id and archived_at is null")
                        .param("id", board)
                        .query(Long.class)
                        .single())
                .isEqualTo(version);

        Response accepted =
                http.post("/api/v1/boards/" + board + "/archive", null, "Accept", "text/html, application/*;q=0.5");
        assertThat(accepted.status()).isEqualTo(200);
    }

    /**
     * The task list and the task write their JSON themselves (issue #19); a read that will not take JSON
     * is a 406 there as on every other route, and a browser's Accept (JSON only through a wildcard) reads.
     */
    @Test
    void aReadThatWillNotAcceptJsonIsA406OnTheTaskRoutesToo() {
        long board = http.post("/api/v1/boards", obj("name", "Accept on reads")).id();
        long task = http.post("/api/v1/tasks", obj("board_id", board, "title", "read me"))
                .id();
        for (String path : new String[] {"/api/v1/tasks", "/api/v1/tasks/" + task, "/api/v1/boards/" + board}) {
            Response refused = http.get(path, "Accept", "application/xml");
            assertThat(refused.status()).as(path + " " + refused.body()).isEqualTo(406);
            assertProblem(refused, "not-acceptable");

            Response browser = http.get(path, "Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
            assertThat(browser.status()).as(path).isEqualTo(200);
            assertThat(browser.header("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        }
    }

    /**
     * RFC 9457: a problem type has one title. A 404, 405, 406 or 415 raised by Spring or a filter has the
     * type and the title the API's own refusals of that kind have, not a second spelling ("Not Found").
     */
    @Test
    void oneProblemTypeHasOneTitleWhereverItIsRaised() {
        long board = http.post("/api/v1/boards", obj("name", "Titles")).id();
        sameProblem(http.get("/api/v1/no-such-thing"), http.get("/api/v1/boards/999999"), "not-found", "Not found");
        sameProblem(
                http.send("PUT", "/api/v1/boards", "{}"),
                http.send("PATCH", "/api/v1/tasks/1/move", "{}"),
                "method-not-allowed",
                "Method not allowed");
        sameProblem(
                http.get("/api/v1/boards/" + board, "Accept", "application/xml"),
                http.post("/api/v1/boards/" + board + "/archive", null, "Accept", "application/xml"),
                "not-acceptable",
                "Not acceptable");
        sameProblem(
                sentAs("text/plain"), // Spring's refusal
                sentAs("*/*"), // ContentTypeFilter's
                "unsupported-media-type",
                "Unsupported media type");
    }

    private Response sentAs(String contentType) {
        return http.execute(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/boards"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString("name=x"))
                .build());
    }

    private static void sameProblem(Response one, Response other, String type, String title) {
        for (Response r : new Response[] {one, other}) {
            assertProblem(r, type);
            assertThat(r.json().get("title").asString()).as(r.body()).isEqualTo(title);
        }
    }

    @Test
    void malformedJsonIsA400Problem() {
        long before = count("boards");
        Response r = http.post("/api/v1/boards", "{\"name\": \"unterminated");
        assertThat(r.status()).isEqualTo(400);
        assertProblem(r, "bad-request");
        assertThat(count("boards")).isEqualTo(before);
    }

    @Test
    void aBodyOverTheLimitIsA413ProblemWhenItsLengthIsDeclared() {
        long before = count("boards");
        Response r = http.post("/api/v1/boards", TOO_LARGE);
        assertThat(r.status()).isEqualTo(413);
        assertProblem(r, "too-large");
        assertThat(count("boards")).isEqualTo(before);
    }

    @Test
    void aBodyOverTheLimitIsA413ProblemWhenItIsChunked() {
        long before = count("boards");
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/boards"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                // a stream of unknown length is sent with Transfer-Encoding: chunked
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(TOO_LARGE.getBytes(StandardCharsets.UTF_8))))
                .build();
        Response r = http.execute(chunked);
        assertThat(r.status()).isEqualTo(413);
        assertProblem(r, "too-large");
        assertThat(count("boards")).isEqualTo(before);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyReplaysTheFirstResponseAndCreatesNothing() {
        Response first = http.post("/api/v1/boards", obj("name", "Once"), "Idempotency-Key", "create-once");
        Response retry = http.post("/api/v1/boards", obj("name", "Once"), "Idempotency-Key", "create-once");
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isEmpty();
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.id()).isEqualTo(first.id());
        assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
        assertThat(jdbc.sql("select count(*) from boards where name = 'Once'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void theSameIdempotencyKeyWithAnotherBodyIsA422AndCreatesNothing() {
        assertThat(http.post("/api/v1/boards", obj("name", "First"), "Idempotency-Key", "reused")
                        .status())
                .isEqualTo(201);
        long before = count("boards");
        Response r = http.post("/api/v1/boards", obj("name", "Second"), "Idempotency-Key", "reused");
        assertThat(r.status()).isEqualTo(422);
        assertProblem(r, "idempotency-key-reused");
        assertThat(count("boards")).isEqualTo(before);
    }

    private static void assertProblem(Response r, String type) {
        assertThat(r.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(r.json().get("type").asString()).isEqualTo(Problems.TYPE_BASE + type);
        assertThat(r.json().get("status").asInt()).isEqualTo(r.status());
        assertThat(r.json().get("title").asString()).isNotBlank();
        assertThat(r.body())
                .doesNotContain("Exception", "java.", "org.springframework", "dev.agentkanban", "\tat ", "trace");
    }
}
