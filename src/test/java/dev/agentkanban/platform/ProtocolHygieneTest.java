package dev.agentkanban.platform;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests that are malformed at the protocol level (content types, multipart framing, numbers, JSON
 * nesting) get a 4xx problem+json that names nothing internal, and change nothing (issue 12).
 */
class ProtocolHygieneTest extends ApiTest {

    long board;
    long task;

    @BeforeAll
    void data() {
        TaskFixtures fx = new TaskFixtures(http);
        board = fx.board("Hygiene")[0];
        task = fx.task(board, "target");
    }

    private Response raw(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.execute(b.build());
    }

    private Response raw(String method, String path, String contentType, String body) {
        return raw(method, path, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private void assertClientError(Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(r.body())
                .doesNotContain("Exception")
                .doesNotContain("at dev.")
                .doesNotContain("java.");
    }

    @Test
    void anUndecodableQueryStringIsA400Problem() throws IOException {
        String token = identities.issueToken(admin.id(), "raw", List.of("read"));
        // java.net.URI refuses these, so the requests go out by hand
        for (String query : List.of("q=%ZZ", "x=%E0%A4", "limit=%ZZ")) {
            assertThat(byHand("GET /api/v1/tasks?" + query, "Authorization: Bearer " + token))
                    .as(query)
                    .startsWith("HTTP/1.1 400")
                    .contains("application/problem+json")
                    .contains("malformed-parameters")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void whatTomcatRefusesBeforeTheApplicationIsAProblemTooNotAnHtmlPage() throws IOException {
        for (String[] request : List.of(
                new String[] {"GET /api/v1/tasks/%ZZ", "X-Probe: path"},
                new String[] {"GET /api/v1/tasks", "X-Big: " + "b".repeat(20_000)})) {
            assertThat(byHand(request[0], request[1]))
                    .as(request[0])
                    .startsWith("HTTP/1.1 400")
                    .contains("application/problem+json")
                    .contains("\"status\":400")
                    .doesNotContain("<html")
                    .doesNotContain("Tomcat");
        }
    }

    /** A kept-alive connection serves more than Tomcat's default of 100 requests before it is closed. */
    @Test
    void aKeptAliveConnectionIsNotClosedAfterAHundredRequests() throws IOException {
        URI base = URI.create(http.base());
        StringBuilder pipelined = new StringBuilder();
        for (int i = 1; i <= 150; i++) {
            pipelined
                    .append("GET /health HTTP/1.1\r\nHost: localhost\r\n")
                    .append(i == 150 ? "Connection: close\r\n" : "")
                    .append("\r\n");
        }
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(pipelined.toString().getBytes(StandardCharsets.US_ASCII));
            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answers.split("HTTP/1.1 200", -1)).hasSize(151);
        }
    }

    /** Sends a request line and one header as they are, and answers the whole response as text. */
    private String byHand(String requestLine, String header) throws IOException {
        URI base = URI.create(http.base());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write((requestLine + " HTTP/1.1\r\nHost: localhost\r\n" + header + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void wildcardContentTypeIsUnsupported() {
        long before = count("tasks");
        assertClientError(raw("POST", "/api/v1/tasks", "*/*", "{\"board_id\": " + board + ", \"title\": \"t\"}"), 415);
        assertClientError(
                raw("POST", "/api/v1/tasks", "application/*", "{\"board_id\": " + board + ", \"title\": \"t\"}"), 415);
        assertThat(count("tasks")).isEqualTo(before);
    }

    @Test
    void unparseableContentTypesAreRefused() {
        long before = count("tasks");
        for (String type :
                new String[] {";;;", "application/json; charset=no-such-charset", "json", "application/json;="}) {
            Response r = raw("POST", "/api/v1/tasks", type, "{\"board_id\": " + board + ", \"title\": \"t\"}");
            assertThat(r.status()).as(type + ": " + r.body()).isBetween(400, 499);
            assertThat(r.body()).doesNotContain("Exception");
        }
        assertThat(count("tasks")).isEqualTo(before);
    }

    @Test
    void multipartWithoutBoundaryIsABadRequest() {
        long before = count("evidence");
        assertClientError(
                raw("POST", "/api/v1/tasks/" + task + "/evidence", "multipart/form-data", "--x\r\n\r\n"), 400);
        assertClientError(raw("POST", "/api/v1/import/csv", "multipart/form-data", "whatever"), 400);
        assertThat(count("evidence")).isEqualTo(before);
    }

    @Test
    void truncatedMultipartIsABadRequest() {
        long before = count("evidence");
        String truncated = "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nhello wor";
        assertClientError(
                raw("POST", "/api/v1/tasks/" + task + "/evidence", "multipart/form-data; boundary=b0undary", truncated),
                400);
        assertClientError(
                raw("POST", "/api/v1/import/todo-md", "multipart/form-data; boundary=b0undary", truncated), 400);
        assertThat(count("evidence")).isEqualTo(before);
    }

    @Test
    void aFractionIsNotAnId() {
        long before = count("tasks");
        Response r = http.post("/api/v1/tasks", "{\"board_id\": " + board + ".5, \"title\": \"fraction\"}");
        assertClientError(r, 422);
        assertThat(r.json().toString()).contains("board_id");
        assertClientError(
                http.post("/api/v1/tasks", "{\"board_id\": " + board + ", \"title\": \"t\", \"position\": 1.5}"), 422);
        assertThat(count("tasks")).isEqualTo(before);
    }

    @Test
    void deeplyNestedJsonIsRefusedBeforeItIsRead() {
        long before = count("tasks");
        String deep = "{\"board_id\": " + board + ", \"title\": \"t\", \"metadata\": " + "{\"a\":".repeat(1000) + "1"
                + "}".repeat(1000) + "}";
        assertClientError(http.post("/api/v1/tasks", deep), 400);
        assertThat(count("tasks")).isEqualTo(before);
    }

    @Test
    void aWorkspaceDocumentNestedTooDeeplyIsABadRequest() {
        long ws = otherWorkspace("nested-import");
        var client = clientFor("nested-importer", ws, dev.agentkanban.identity.Role.ADMIN);
        String deep = "{\"format\": \"agent-kanban/workspace\", \"junk\": " + "[".repeat(600) + "]".repeat(600) + "}";
        Response r = client.post("/api/v1/import/json", deep);
        assertClientError(r, 400);
        assertThat(r.json().get("detail").asString()).contains("nest");
        assertThat(jdbc.sql("select count(*) from boards where workspace_id = :ws")
                        .param("ws", ws)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void moderatelyNestedMetadataStillWorks() {
        String nested = "{\"board_id\": " + board + ", \"title\": \"nested\", \"metadata\": " + "{\"a\":".repeat(50)
                + "1" + "}".repeat(50) + "}";
        Response r = http.post("/api/v1/tasks", nested);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(http.get("/api/v1/tasks/" + r.id()).status()).isEqualTo(200);
        http.delete("/api/v1/tasks/" + r.id());
        assertThat(obj()).isEmpty();
    }
}
