package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code ENVIRONMENT=production} demands a real {@code SECRET_KEY}; in every environment a failure
 * reaches the client without internals (no exception names, messages or stack traces).
 */
class ProductionStartupTest {

    /**
     * An endpoint that fails the way a bug would. Nested in a test class, so only these instances have
     * it; outside {@code /api/}, where every route needs a declared access rule (identity.RouteRules).
     */
    @RestController
    static class Explosions {
        @GetMapping("/test-explosion")
        String explode() {
            throw new IllegalStateException("secret internal detail from dev.agentkanban.Internals at row 42");
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[30];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes); // 40 characters
    }

    /**
     * A documented variable whose value is not of its setting's kind stops the start naming it, before
     * anything starts: a yes-or-no that would otherwise be read as false or ignored, a number that would
     * fail with a wall of stack frames, a duration. The kind comes from the default in application.yml.
     */
    @Test
    void valuesOfTheWrongKindStopTheStartNamingTheVariable() {
        refusedAtStart("MCP_ENABLED=maybe")
                .hasMessage("MCP_ENABLED: 'maybe' is not true or false (the default is true)");
        refusedAtStart("TOKEN_TTL_MINUTES=abc")
                .hasMessage("TOKEN_TTL_MINUTES: 'abc' is not a whole number (the default is 60)");
        refusedAtStart("CLAIM_LEASE=soon").hasMessageStartingWith("CLAIM_LEASE: 'soon' is not a duration");
        refusedAtStart("SESSIONS_ENABLED=1")
                .hasMessage("SESSIONS_ENABLED: '1' is not true, false or auto (the default is auto)");
        refusedAtStart("WORKER_DUPLICATE_SIMILARITY=high")
                .hasMessageStartingWith("WORKER_DUPLICATE_SIMILARITY: 'high' is not a number");
        refusedAtStart("LOG_FORMAT=xml").hasMessageStartingWith("LOG_FORMAT: 'xml' is not");
    }

    /** The start with this one setting, refused with an {@link InvalidSetting}; its message to check. */
    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refusedAtStart(String setting) {
        return assertThatThrownBy(() -> AppInstance.start(setting)).isInstanceOf(InvalidSetting.class);
    }

    /** Values of the right kind, spelled as people do (upper case, spaces, Spring's short durations), start. */
    @Test
    void valuesOfTheRightKindStart() {
        try (AppInstance app = AppInstance.start(
                "MCP_ENABLED=FALSE", "TOKEN_TTL_MINUTES= 90 ", "CLAIM_LEASE=20m", "WORKER_DUPLICATE_SIMILARITY=0.85")) {
            String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
            assertThat(app.member("upper-case-false")
                            .post("/mcp", call, "Accept", "application/json, text/event-stream")
                            .status())
                    .as("MCP_ENABLED=FALSE turns MCP off")
                    .isEqualTo(404);
        }
    }

    @Test
    void productionRefusesToStartWithoutASecretKey() {
        assertThatThrownBy(() -> AppInstance.start("kanban.environment=production", "kanban.secret-key="))
                .rootCause()
                .hasMessageContaining("SECRET_KEY is not set")
                .hasMessageContaining("refusing to start with ENVIRONMENT=production");
    }

    /**
     * A setting that cannot work stops the start naming the variable, reported by Boot's failure analysis
     * (a short description and action) instead of a wall of stack frames: a sign-in that lasts -1 minutes,
     * a negative connection limit.
     */
    @Test
    void settingsThatCannotWorkStopTheStartNamingTheVariable() throws java.io.IOException {
        assertThatThrownBy(() -> AppInstance.start("kanban.token-ttl-minutes=-1"))
                .rootCause()
                .isInstanceOf(InvalidSetting.class)
                .hasMessageStartingWith("TOKEN_TTL_MINUTES: -1");
        assertThatThrownBy(() -> AppInstance.start("kanban.websocket.max-connections=-1"))
                .rootCause()
                .isInstanceOf(InvalidSetting.class)
                .hasMessageStartingWith("MAX_WEBSOCKET_CONNECTIONS: -1");
        assertThat(Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories")))
                .as("registered as a failure analyser")
                .anyMatch(url -> read(url).contains("FailureAnalyzer=" + InvalidSettingAnalyzer.class.getName()));
        FailureAnalysis analysis = new InvalidSettingAnalyzer()
                .analyze(new IllegalStateException(new InvalidSetting("TOKEN_TTL_MINUTES", "-1 is not")));
        assertThat(analysis.getDescription()).contains("TOKEN_TTL_MINUTES: -1 is not");
        assertThat(analysis.getAction()).startsWith("Change TOKEN_TTL_MINUTES");
    }

    @Test
    void productionRefusesToStartWithAShortSecretKey() {
        assertThatThrownBy(() ->
                        AppInstance.start("kanban.environment=production", "kanban.secret-key=short-but-random-7f3a"))
                .rootCause()
                .hasMessageContaining("SECRET_KEY is shorter than 32 characters");
    }

    @Test
    void productionRefusesToStartWithAWellKnownSecretKey() {
        assertThatThrownBy(() -> AppInstance.start(
                        "kanban.environment=production", "kanban.secret-key=change-me-change-me-change-me-change-me"))
                .rootCause()
                .hasMessageContaining("SECRET_KEY is a well-known default");
    }

    /**
     * SPEC §9: no default secret in production. {@code ADMIN_PASSWORD} makes the first system admin, so
     * a placeholder or well-known password there is a default secret like a weak {@code SECRET_KEY}:
     * the start stops naming the variable, and no account is made with it.
     */
    @Test
    void productionRefusesToMakeTheFirstAdminWithAWellKnownPassword() throws java.sql.SQLException {
        String admin = "prod-root-" + UUID.randomUUID().toString().substring(0, 8);
        assertThatThrownBy(() -> AppInstance.start(
                        "kanban.environment=production",
                        "kanban.secret-key=" + randomSecret(),
                        "kanban.admin-username=" + admin,
                        "kanban.admin-password=changeme"))
                .isInstanceOf(InvalidSetting.class)
                .hasMessageStartingWith("ADMIN_PASSWORD: ")
                .hasMessageContaining("well-known");
        dev.agentkanban.support.TestDatabase db = dev.agentkanban.support.TestDatabase.get();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl, db.username, db.password);
                java.sql.PreparedStatement q = c.prepareStatement("select count(*) from users where username = ?")) {
            q.setString(1, admin);
            try (java.sql.ResultSet rs = q.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1))
                        .as("no admin was made with the refused password")
                        .isZero();
            }
        }
    }

    @Test
    void productionStartsWithALongRandomSecretAndHidesInternals() throws Exception {
        String secret = randomSecret();
        assertThat(secret).hasSize(40);
        try (AppInstance app = AppInstance.start(
                List.of(Explosions.class), "kanban.environment=production", "kanban.secret-key=" + secret)) {
            assertErrorsAreSanitised(app);
        }
    }

    @Test
    void developmentHidesInternalsToo() throws Exception {
        try (AppInstance app = AppInstance.start(List.of(Explosions.class), "kanban.environment=development")) {
            assertErrorsAreSanitised(app);
        }
    }

    private static void assertErrorsAreSanitised(AppInstance app) throws Exception {
        Http client = app.member("sanitised-" + UUID.randomUUID().toString().substring(0, 8));

        Response forced = client.get("/test-explosion");
        assertThat(forced.status()).isEqualTo(500);
        assertThat(forced.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(forced.json().get("type").asString()).endsWith("/internal");
        assertNoInternals(forced.body());

        Response overflow = client.get("/api/v1/tasks/99999999999999999999999");
        assertThat(overflow.status()).isEqualTo(404);
        assertNoInternals(overflow.body());

        Response malformed = client.post("/api/v1/boards", "{\"name\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertNoInternals(malformed.body());

        String raw =
                rawRequest(app.http.base(), "GET /api/v1/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 400");
        assertNoInternals(raw);
    }

    private static void assertNoInternals(String body) {
        assertThat(body)
                .doesNotContain("Exception")
                .doesNotContain("java.")
                .doesNotContain("dev.agentkanban")
                .doesNotContain("secret internal detail")
                .doesNotContain("\tat ")
                .doesNotContainIgnoringCase("tomcat")
                .doesNotContain("trace");
    }

    /** Sends bytes no well-behaved HTTP client would send, and reads the whole answer. */
    private static String rawRequest(String base, String request) throws Exception {
        URI uri = URI.create(base);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String read(java.net.URL url) {
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
