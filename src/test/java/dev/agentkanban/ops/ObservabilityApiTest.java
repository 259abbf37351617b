package dev.agentkanban.ops;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Prometheus metrics, request ids, the orchestrator probes and the MCP switch, on the real app and database. */
class ObservabilityApiTest extends ApiTest {

    @Test
    void prometheusNeedsCredentials() {
        assertThat(http.anonymous().get("/actuator/prometheus").status()).isEqualTo(401);
    }

    @Test
    void prometheusExposesRequestsPoolAndTheServicesOwnFigures() {
        assertThat(http.get("/api/v1/boards").status()).isEqualTo(200);
        String text = scrape();
        assertThat(text)
                .containsPattern(
                        "http_server_requests_seconds_bucket\\{[^}]*status=\"200\"[^}]*uri=\"/api/v1/boards\"");
        assertThat(text).contains("http_server_requests_seconds_count{");
        assertThat(text).as("no long task timer per request").doesNotContain("http_server_requests_active");
        assertThat(text)
                .contains("hikaricp_connections_active{pool=\"kanban\"}", "hikaricp_connections_max{pool=\"kanban\"}");
        assertThat(text)
                .contains(
                        "kanban_websocket_connections ",
                        "kanban_outbox_lag_seconds ",
                        "kanban_webhook_backlog ",
                        "kanban_webhook_oldest_seconds ",
                        "kanban_worker_lag_seconds ",
                        "kanban_login_failures_total ",
                        "kanban_sql_slow_total ");
        assertThat(metric(text, "kanban_outbox_lag_seconds")).as("caught up").isZero();
    }

    /** Every series the Grafana dashboard in docs/ queries is one the service exports. */
    @Test
    void theDashboardQueriesOnlySeriesTheServiceExports() throws Exception {
        assertThat(http.get("/api/v1/boards").status()).isEqualTo(200);
        String text = scrape();
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("docs/grafana-dashboard.json"));
        var names = java.util.regex.Pattern.compile("\\b(?:kanban|http_server|hikaricp|jvm|process)_[a-z_]+")
                .matcher(dashboard)
                .results()
                .map(java.util.regex.MatchResult::group)
                .collect(java.util.stream.Collectors.toSet());
        assertThat(names).hasSizeGreaterThan(10);
        // rate limits are off in this context; the rate-limit test below scrapes that series
        names.remove("kanban_rate_limit_rejections_total");
        for (String name : names) {
            assertThat(text).as(name).containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    @Test
    void failedSignInsAreCounted() {
        double before = metric(scrape(), "kanban_login_failures_total");
        Response r =
                http.anonymous().post("/api/v1/auth/login", obj("username", "tester", "password", "wrong-password"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(metric(scrape(), "kanban_login_failures_total")).isEqualTo(before + 1);
    }

    @Test
    void webhookBacklogCountsPendingDeliveries() {
        TaskFixtures fixtures = new TaskFixtures(http);
        long board = fixtures.board("Metered")[0];
        // nothing answers on port 9: the delivery stays pending, retried later
        assertThat(http.post("/api/v1/webhooks", obj("url", "http://127.0.0.1:9/hook", "board_id", board))
                        .status())
                .isEqualTo(201);
        fixtures.task(board, "queued for a webhook");
        waitFor(() -> jdbc.sql("select count(*) from webhook_deliveries where status = 'pending'")
                        .query(Long.class)
                        .single()
                > 0);
        long pending = jdbc.sql("select count(*) from webhook_deliveries where status = 'pending'")
                .query(Long.class)
                .single();
        assertThat(metric(scrape(), "kanban_webhook_backlog")).isEqualTo(pending);
    }

    @Test
    void websocketConnectionsAreCounted() throws Exception {
        String token = identities.issueToken(admin.id(), "ws", List.of("read", "write"));
        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .subprotocols("bearer", token)
                .buildAsync(URI.create("ws://localhost:" + port + "/ws"), new WebSocket.Listener() {})
                .get();
        try {
            waitFor(() -> metric(scrape(), "kanban_websocket_connections") == 1);
            assertThat(http.get("/api/v1/health").json().get("live_connections").asInt())
                    .isEqualTo(1);
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get();
        }
        waitFor(() -> metric(scrape(), "kanban_websocket_connections") == 0);
    }

    @Test
    void requestIdsAreTakenFromTheClientOrMadeUpAndReturned() {
        assertThat(http.get("/api/v1/boards", "X-Request-Id", "client-id-42").header("X-Request-Id"))
                .hasValue("client-id-42");
        String made = http.get("/api/v1/boards").header("X-Request-Id").orElseThrow();
        assertThat(UUID.fromString(made)).isNotNull();
        // not a plain token: replaced, never echoed
        String replaced = http.get("/api/v1/boards", "X-Request-Id", "bad id\u00e9")
                .header("X-Request-Id")
                .orElseThrow();
        assertThat(UUID.fromString(replaced)).isNotNull();
        assertThat(http.get("/api/v1/boards", "X-Request-Id", "x".repeat(129))
                        .header("X-Request-Id")
                        .orElseThrow())
                .hasSize(36);
        // also on refusals before authentication
        assertThat(http.anonymous()
                        .get("/api/v1/boards", "X-Request-Id", "anon-1")
                        .header("X-Request-Id"))
                .hasValue("anon-1");
    }

    @Test
    void probesForOrchestratorsAnswerWithoutCredentials() {
        for (String path : List.of("/livez", "/readyz", "/actuator/health/liveness", "/actuator/health/readiness")) {
            Response r = http.anonymous().get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.json().get("status").asString()).as(path).isEqualTo("UP");
        }
        Response healthz = http.anonymous().get("/healthz");
        assertThat(healthz.status()).isEqualTo(200);
        assertThat(healthz.json().get("database").get("status").asString()).isEqualTo("up");
    }

    /** Rate limits are off in the other tests; one instance with them on, and with MCP_ENABLED=false. */
    @Test
    void rateLimitRejectionsAreCountedAndMcpEnabledFalseTurnsTheEndpointOff() {
        String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
        String[] headers = {"Accept", "application/json, text/event-stream"};
        assertThat(http.post("/mcp", call, headers).status())
                .as("on by default")
                .isEqualTo(200);
        try (AppInstance other = AppInstance.start("kanban.mcp-enabled=false", "kanban.rate-limit.enabled=true")) {
            var member = other.member("limited");
            Response mcp = member.post("/mcp", call, headers);
            assertThat(mcp.status()).isEqualTo(404);
            assertThat(mcp.header("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));

            // the system admin of this test class (same database): /actuator needs the admin role
            var admin = other.http.withToken(
                    identities.issueToken(this.admin.id(), "scrape", List.of("read", "write", "admin")));
            String series = "kanban_rate_limit_rejections_total{budget=\"ws_connect\"}";
            double before = metric(admin.get("/actuator/prometheus").body(), series);
            int refused = 0;
            for (int i = 0; i < 12; i++) { // the WebSocket handshake budget is 10 a minute
                if (member.get("/ws").status() == 429) {
                    refused++;
                }
            }
            assertThat(refused).isPositive();
            assertThat(metric(admin.get("/actuator/prometheus").body(), series)).isEqualTo(before + refused);
        }
    }

    private String scrape() {
        Response r = http.get("/actuator/prometheus");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** The value of one series (its full name with labels) in the Prometheus text. */
    static double metric(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in\n" + text);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }
}
