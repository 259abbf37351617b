package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bad-input corpus of issue 12, generated from the OpenAPI document: for every route, every path
 * and query parameter gets hostile values (wrong types, huge numbers, path traversal, SQL and script
 * payloads), every JSON body field gets values of the wrong type, whole bodies are malformed (not
 * JSON, deeply nested, invalid UTF-8, oversized), and headers are abused. No response may be a 5xx,
 * and a refused request (4xx) must leave the database exactly as it was: after every request a
 * checksum of each table's rows is compared with the one before. Left out of the comparison, because
 * they legitimately change without a write being accepted: {@code api_tokens} (last use),
 * {@code idempotency_keys} (stored answers), {@code revoked_sessions}, and the webhook sender's
 * {@code webhook_deliveries} / {@code webhook_cursor} and {@code outbox_retention}, written in the
 * background.
 */
class BadInputCorpusTest extends ApiTest {

    static final List<String> CHECKED_TABLES = List.of(
            "workspaces",
            "users",
            "memberships",
            "boards",
            "board_columns",
            "tasks",
            "tags",
            "task_tags",
            "comments",
            "evidence",
            "task_history",
            "outbox_events",
            "task_counts",
            "webhooks",
            "hints",
            "feed_followers");

    static final List<String> HOSTILE = List.of(
            "abc",
            "-1",
            "1.5",
            "99999999999999999999999",
            "../../../../etc/passwd",
            "' OR '1'='1' --",
            "<script>alert(1)</script>",
            "\u0000\u202e\uFEFF",
            "x".repeat(5000));

    static final List<Object> WRONG_VALUES = List.of(
            "<script>alert(1)</script>",
            "'; drop table tasks; --",
            1.5,
            new java.math.BigInteger("99999999999999999999999"),
            true,
            List.of(1, 2),
            Map.of("a", Map.of("b", 1)),
            "x".repeat(10_000));

    final Map<String, String> ids = new HashMap<>();
    final List<String> failures = new ArrayList<>();
    int tried;
    String snapshot;

    @BeforeAll
    void fixtures() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] board = fx.board("Corpus");
        long task = fx.task(board[0], "corpus task");
        ids.put("boardId", Long.toString(board[0]));
        ids.put("columnId", Long.toString(board[2]));
        ids.put("taskId", Long.toString(task));
        ids.put("id", Long.toString(task));
        Response comment = http.post("/api/v1/tasks/" + task + "/comments", obj("body", "a comment"));
        ids.put("commentId", Long.toString(comment.id()));
        ids.put("userId", Long.toString(admin.id()));
        ids.put("workspaceId", Long.toString(defaultWorkspace));
    }

    private String snapshot() {
        StringBuilder sql = new StringBuilder();
        for (String table : CHECKED_TABLES) {
            if (!sql.isEmpty()) {
                sql.append(" union all ");
            }
            sql.append("select '")
                    .append(table)
                    .append("' || ':' || count(*) || ':' || coalesce(sum(hashtext(t::text)::bigint), 0) from ")
                    .append(table)
                    .append(" t")
                    // the reminders the clock writes meanwhile are no request's doing
                    .append(
                            table.equals("outbox_events")
                                    ? " where type not in ('task_due_soon', 'task_overdue')"
                                    : "");
        }
        return String.join(",", jdbc.sql(sql.toString()).query(String.class).list());
    }

    private void check(String what, Response r) {
        tried++;
        String after = snapshot();
        if (r.status() >= 500) {
            failures.add(r.status() + " " + what + " -> "
                    + r.body().substring(0, Math.min(300, r.body().length())));
        } else if (r.status() >= 400 && !after.equals(snapshot)) {
            failures.add("refused with " + r.status() + " but the database changed: " + what);
        }
        snapshot = after;
    }

    private Response send(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.execute(b.build());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String fill(String template, String param, String value) {
        String path = template;
        for (Map.Entry<String, String> id : ids.entrySet()) {
            path = path.replace("{" + id.getKey() + "}", id.getKey().equals(param) ? encode(value) : id.getValue());
        }
        return path.replaceAll("\\{[^}/]+}", param == null ? "1" : encode(value));
    }

    record Route(String method, String path, JsonNode operation) {}

    // thousands of requests, each followed by a checksum of 16 tables: the default 5 minutes is too
    // short for it on a machine shared with other builds (it ran out at a load average of 20)
    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void noBadInputGetsA5xxAndNoRefusedOneChangesTheDatabase() {
        JsonNode docs = http.get("/v3/api-docs").json();
        JsonNode schemas = docs.get("components").get("schemas");
        List<Route> routes = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : docs.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                routes.add(new Route(op.getKey().toUpperCase(), path.getKey(), op.getValue()));
            }
        }
        // the caller's own credentials and the workspace's existence last, deletions after everything else
        routes.sort(Comparator.comparing((Route r) -> r.path().matches(".*/(users|tokens|auth|workspaces).*") ? 1 : 0)
                .thenComparing(r -> r.method().equals("DELETE") ? 1 : 0));
        snapshot = snapshot();
        for (Route route : routes) {
            List<String> pathParams = new ArrayList<>();
            List<String> queryParams = new ArrayList<>();
            for (JsonNode p : route.operation().path("parameters")) {
                (p.get("in").asString().equals("path") ? pathParams : queryParams)
                        .add(p.get("name").asString());
            }
            String valid = fill(route.path(), null, null);
            for (String param : pathParams) {
                for (String value : HOSTILE) {
                    check(
                            route.method() + " " + route.path() + " path " + param + "=" + abbreviate(value),
                            send(route.method(), fill(route.path(), param, value), null, null));
                }
            }
            if (route.method().equals("DELETE")) {
                continue; // with valid ids a hostile extra would still delete the fixture
            }
            for (String param : queryParams) {
                for (String value : HOSTILE) {
                    check(
                            route.method() + " " + route.path() + " query " + param + "=" + abbreviate(value),
                            send(route.method(), valid + "?" + param + "=" + encode(value), null, null));
                }
            }
            JsonNode content = route.operation().path("requestBody").path("content");
            if (content.has("application/json")) {
                JsonNode schema = resolve(content.get("application/json").get("schema"), schemas);
                for (Map.Entry<String, JsonNode> field :
                        schema.path("properties").properties()) {
                    for (Object wrong : WRONG_VALUES) {
                        ObjectNode body = Http.JSON.createObjectNode();
                        body.set(field.getKey(), Http.JSON.valueToTree(wrong));
                        check(
                                route.method() + " " + route.path() + " body " + field.getKey() + "="
                                        + abbreviate(String.valueOf(wrong)),
                                send(route.method(), valid, "application/json", Http.JSON.writeValueAsBytes(body)));
                    }
                }
                for (Map.Entry<String, byte[]> body : malformedBodies().entrySet()) {
                    check(
                            route.method() + " " + route.path() + " body: " + body.getKey(),
                            send(route.method(), valid, "application/json", body.getValue()));
                }
            }
            if (!route.method().equals("GET")) {
                for (String type : List.of(
                        "*/*",
                        "text/plain",
                        "application/xml",
                        "multipart/form-data",
                        "application/json; charset=x-nope",
                        "garbage")) {
                    check(
                            route.method() + " " + route.path() + " Content-Type: " + type,
                            send(route.method(), valid, type, "{}".getBytes(StandardCharsets.UTF_8)));
                }
            }
            for (String[] header : abusiveHeaders(route)) {
                check(
                        route.method() + " " + route.path() + " header " + header[0] + ": " + abbreviate(header[1]),
                        send(route.method(), valid, null, null, header));
            }
        }
        System.out.printf(
                "bad-input corpus: %d routes, %d bad inputs tried, %d 5xx or changed databases%n",
                routes.size(), tried, failures.size());
        assertThat(tried).isGreaterThan(2000);
        assertThat(failures).as("%d of %d bad inputs", failures.size(), tried).isEmpty();
    }

    private static List<String[]> abusiveHeaders(Route route) {
        List<String[]> headers = new ArrayList<>(List.of(
                new String[] {"Accept", "application/x-nothing"},
                new String[] {"If-Match", "\"not-a-version\""},
                new String[] {"If-Match", "W/\"99999999999999999999\""},
                new String[] {"X-Workspace-Id", "' OR 1=1 --"},
                new String[] {"X-Workspace-Id", "99999999999999999999"},
                new String[] {"Authorization", "Bearer " + "A".repeat(8000)},
                new String[] {"Origin", "http://evil.example"},
                new String[] {"Range", "bytes=0-1,-1"}));
        if (!route.path().contains("/auth/")) { // Idempotency-Key on login: helper idem's item
            headers.add(new String[] {"Idempotency-Key", "k".repeat(5000)});
            headers.add(new String[] {"Idempotency-Key", "<script>"});
        }
        return headers;
    }

    private static Map<String, byte[]> malformedBodies() {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("not JSON", "{\"title\": ".getBytes(StandardCharsets.UTF_8));
        bodies.put("empty", new byte[0]);
        bodies.put("null", "null".getBytes(StandardCharsets.UTF_8));
        bodies.put("an array", "[1,2,3]".getBytes(StandardCharsets.UTF_8));
        bodies.put("a string", "\"text\"".getBytes(StandardCharsets.UTF_8));
        bodies.put("nested 1000 deep", ("[".repeat(1000) + "]".repeat(1000)).getBytes(StandardCharsets.UTF_8));
        bodies.put(
                "objects nested 300 deep",
                ("{\"a\":".repeat(300) + "1" + "}".repeat(300)).getBytes(StandardCharsets.UTF_8));
        bodies.put("invalid UTF-8", new byte[] {
            '{', '"', 't', 'i', 't', 'l', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'
        });
        bodies.put("duplicate keys", "{\"title\": \"a\", \"title\": 5}".getBytes(StandardCharsets.UTF_8));
        bodies.put("over 1 MB", ("{\"title\": \"" + "y".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        return bodies;
    }

    private static JsonNode resolve(JsonNode schema, JsonNode schemas) {
        if (schema != null && schema.has("$ref")) {
            String ref = schema.get("$ref").asString();
            return schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return schema == null ? Http.JSON.createObjectNode() : schema;
    }

    private static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…(" + value.length() + ")" : value;
    }
}
