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
