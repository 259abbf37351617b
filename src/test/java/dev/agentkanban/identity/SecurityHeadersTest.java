package dev.agentkanban.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Browser-facing protections: security headers on every kind of response, and CORS only for listed origins. */
@TestPropertySource(
        properties = {
            "kanban.cors-origins=https://board.example.com, https://ops.example.com",
            "spring.datasource.hikari.maximum-pool-size=5"
        })
class SecurityHeadersTest extends ApiTest {

    private static final String ALLOWED = "https://board.example.com";

    private static void assertSecurityHeaders(Response r) {
        assertThat(r.header("X-Content-Type-Options")).contains("nosniff");
        assertThat(r.header("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp)
                        .contains("frame-ancestors 'none'")
                        .contains("default-src 'self'")
                        .contains("object-src 'none'")
                        // the live socket is the page's own origin: no WebSocket to any other host
                        .contains("connect-src 'self';")
                        .doesNotContain(" ws:", " wss:"));
        assertThat(r.header("Referrer-Policy")).contains("strict-origin-when-cross-origin");
        assertThat(r.header("X-Frame-Options")).contains("DENY");
    }

    @Test
    void apiResponsesCarrySecurityHeaders() {
        Response r = http.get("/api/v1/boards");
        assertThat(r.status()).isEqualTo(200);
        assertSecurityHeaders(r);
    }

    @Test
    void theWebUiCarriesSecurityHeaders() {
        Response page = http.anonymous().get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("Agent Kanban");
        assertSecurityHeaders(page);
    }

    /** A HEAD of the welcome page carries the same headers as its GET (they are written before the body). */
    @Test
    void aHeadOfTheWebUiCarriesSecurityHeaders() {
        Response head = http.anonymous().send("HEAD", "/", null);
        assertThat(head.status()).isEqualTo(200);
        assertSecurityHeaders(head);
    }

    /** The browser's request for the site icon is answered (a 404 would be a console error on every page). */
    @Test
    void theSiteIconIsServed() {
        Response icon = http.anonymous().get("/favicon.ico");
        assertThat(icon.status()).isEqualTo(200);
        assertThat(icon.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("icon"));
        assertThat(icon.bytes()).startsWith(new byte[] {0, 0, 1, 0});
        assertSecurityHeaders(icon);
    }

    @Test
    void errorResponsesCarrySecurityHeaders() {
        assertSecurityHeaders(http.anonymous().get("/api/v1/boards"));
        assertSecurityHeaders(http.get("/api/v1/boards/987654321"));
    }

    @Test
    void aListedOriginPassesThePreflight() {
        Response preflight = preflight("/api/v1/boards", "authorization, content-type, idempotency-key");
        assertThat(preflight.status()).isEqualTo(200);
        assertThat(preflight.header("Access-Control-Allow-Origin")).contains(ALLOWED);
        assertThat(preflight.header("Access-Control-Allow-Methods"))
                .hasValueSatisfying(m -> assertThat(m).contains("POST"));
        assertThat(preflight.header("Access-Control-Allow-Headers"))
                .hasValueSatisfying(h ->
                        assertThat(h.toLowerCase()).contains("authorization").contains("idempotency-key"));
    }

    /** A page of a listed origin may send the preconditions the API offers: If-Match on writes, If-None-Match on reads. */
    @Test
    void aListedOriginMaySendPreconditions() {
        Response preflight = preflight("/api/v1/tasks/1", "authorization, if-match, if-none-match");
        assertThat(preflight.status()).as(preflight.body()).isEqualTo(200);
        assertThat(preflight.header("Access-Control-Allow-Headers"))
                .hasValueSatisfying(
                        h -> assertThat(h.toLowerCase()).contains("if-match").contains("if-none-match"));
    }

    @Test
    void aBrowsersMcpClientPassesThePreflight() {
        Response preflight = preflight("/mcp", "authorization, content-type, mcp-session-id, mcp-protocol-version");
        assertThat(preflight.status()).isEqualTo(200);
        assertThat(preflight.header("Access-Control-Allow-Headers"))
                .hasValueSatisfying(h ->
                        assertThat(h.toLowerCase()).contains("mcp-session-id").contains("mcp-protocol-version"));
    }

    /** A browser's preflight of a POST to {@code path} from the allowed origin, asking for {@code headers}. */
    private Response preflight(String path, String headers) {
        return http.anonymous()
                .send(
                        "OPTIONS",
                        path,
                        null,
                        "Origin",
                        ALLOWED,
                        "Access-Control-Request-Method",
                        "POST",
                        "Access-Control-Request-Headers",
                        headers);
    }

    @Test
    void aListedOriginMayReadResponsesAndTheirLimitHeaders() {
        Response r = http.get("/api/v1/boards", "Origin", ALLOWED);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).contains(ALLOWED);
        assertThat(r.header("Access-Control-Expose-Headers"))
                .hasValueSatisfying(h ->
                        assertThat(h).contains("ETag").contains("Retry-After").contains("X-RateLimit-Remaining"));
    }

    @Test
    void aForeignOriginIsRefused() {
        Response preflight = http.anonymous()
                .send(
                        "OPTIONS",
                        "/api/v1/boards",
                        null,
                        "Origin",
                        "https://evil.example.net",
                        "Access-Control-Request-Method",
                        "POST");
        assertThat(preflight.status()).isEqualTo(403);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEmpty();
        // a problem like every other error, not the plain text "Invalid CORS request"
        assertThat(preflight.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(preflight.json().get("detail").asString()).contains("CORS_ORIGINS");

        Response read = http.get("/api/v1/boards", "Origin", "https://evil.example.net");
        assertThat(read.header("Access-Control-Allow-Origin")).isEmpty();
        assertThat(read.status()).isEqualTo(403);
        assertThat(read.json().get("type").asString()).endsWith("/forbidden");
    }

    @Test
    void rateLimitsAreOffUnlessEnabled() {
        // the suite's own setting (src/test/resources): RATE_LIMIT_ENABLED=false
        for (int i = 0; i < 3; i++) {
            assertThat(http.get("/api/v1/boards").header("X-RateLimit-Limit")).isEmpty();
        }
    }
}
