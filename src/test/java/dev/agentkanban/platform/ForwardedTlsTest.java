package dev.agentkanban.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import org.junit.jupiter.api.Test;

/**
 * Behind a TLS-terminating proxy the request is secure when the trusted proxy says so
 * ({@code X-Forwarded-Proto: https}), and secure responses carry HSTS (issue 12); plain HTTP does not,
 * since browsers ignore HSTS there.
 */
class ForwardedTlsTest extends ApiTest {

    @Test
    void httpsFromTheTrustedProxyGetsHsts() {
        Response r = http.get("/api/v1/boards", "X-Forwarded-Proto", "https");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Strict-Transport-Security"))
                .hasValueSatisfying(
                        h -> assertThat(h).contains("max-age=31536000").contains("includeSubDomains"));
        Response error = http.anonymous().get("/api/v1/boards", "X-Forwarded-Proto", "https");
        assertThat(error.status()).isEqualTo(401);
        assertThat(error.header("Strict-Transport-Security")).isPresent();
    }

    @Test
    void plainHttpGetsNoHsts() {
        assertThat(http.get("/api/v1/boards").header("Strict-Transport-Security"))
                .isEmpty();
        assertThat(http.get("/api/v1/boards", "X-Forwarded-Proto", "http").header("Strict-Transport-Security"))
                .isEmpty();
    }
}
