package dev.agentkanban.platform.ratelimit;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Rate limits held in this instance's memory, with small budgets per hour so that nothing refills mid-test. */
@TestPropertySource(
        properties = {
            "kanban.rate-limit.enabled=true",
            "kanban.rate-limit.default=5/h",
            "kanban.rate-limit.bulk=2/h",
            "kanban.rate-limit.ws-connect=3/h",
            "kanban.redis-url=",
            "spring.datasource.hikari.maximum-pool-size=5"
        })
class RateLimitApiTest extends ApiTest {

    private static final AtomicInteger USERS = new AtomicInteger();

    private Http newClient() {
        return clientFor("limited-" + USERS.incrementAndGet(), defaultWorkspace, Role.MEMBER);
    }

    @Test
    void aClientOverItsBudgetGets429WithRetryAfter() {
        Http client = newClient();
        for (int left = 4; left >= 0; left--) {
            Response ok = client.get("/api/v1/boards");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.header("X-RateLimit-Limit")).contains("5");
            assertThat(ok.header("X-RateLimit-Remaining")).contains(Integer.toString(left));
        }
        Response refused = client.get("/api/v1/boards");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(refused.header("X-RateLimit-Limit")).contains("5");
        assertThat(refused.header("X-RateLimit-Remaining")).contains("0");
        long retryAfter = Long.parseLong(refused.header("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 3600L);
        assertThat(refused.json().get("status").asInt()).isEqualTo(429);
        assertThat(refused.json().get("type").asString()).endsWith("/rate-limited");
        assertThat(refused.json().get("retry_after").asLong()).isEqualTo(retryAfter);
    }

    @Test
    void aRefusedWriteChangesNothing() {
        Http client = newClient();
        for (int i = 0; i < 5; i++) {
            client.get("/api/v1/boards");
        }
        long boards = count("boards");
        assertThat(client.post("/api/v1/boards", obj("name", "Too late")).status())
                .isEqualTo(429);
        assertThat(count("boards")).isEqualTo(boards);
    }

    @Test
    void allTokensOfOneUserShareOneBudget() {
        User user = identities.provision("two-tokens", "two-tokens-password", defaultWorkspace, Role.MEMBER, false);
        Http first = http.withToken(identities.issueToken(user.id(), "first", List.of("read", "write")));
        Http second = http.withToken(identities.issueToken(user.id(), "second", List.of("read", "write")));
        Http someoneElse = newClient();
        for (int i = 0; i < 5; i++) {
            first.get("/api/v1/boards");
        }
        assertThat(first.get("/api/v1/boards").status()).isEqualTo(429);

        // minting another token does not buy another budget
        Response other = second.get("/api/v1/boards");
        assertThat(other.status()).isEqualTo(429);
        assertThat(other.header("X-RateLimit-Remaining")).contains("0");
        assertThat(someoneElse.get("/api/v1/boards").status()).isEqualTo(200);
    }

    @Test
    void anonymousCallersShareABudgetPerAddress() {
        Http anonymous = http.anonymous();
        for (int i = 0; i < 5; i++) {
            // a different name each time, so the sign-in throttle per name does not step in first
            Response r =
                    anonymous.post("/api/v1/auth/login", obj("username", "nobody-" + i, "password", "wrong-password"));
            assertThat(r.status()).as(r.body()).isEqualTo(401);
            assertThat(r.header("X-RateLimit-Remaining")).contains(Integer.toString(4 - i));
        }
        Response refused =
                anonymous.post("/api/v1/auth/login", obj("username", "nobody-5", "password", "wrong-password"));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isPresent();
    }

    @Test
    void healthChecksAreNeverLimited() {
        Http client = newClient();
        for (int i = 0; i < 6; i++) {
            client.get("/api/v1/boards");
        }
        for (Http caller : List.of(client, http.anonymous())) {
            for (int i = 0; i < 10; i++) {
                Response health = caller.get("/actuator/health");
                assertThat(health.status()).isEqualTo(200);
                assertThat(health.header("X-RateLimit-Limit")).isEmpty();
            }
        }
    }

    @Test
    void bulkEndpointsHaveASmallerBudgetOfTheirOwn() {
        Http client = newClient();
        Object body = obj("task_ids", List.of(999_999), "priority", "low");
        for (int left = 1; left >= 0; left--) {
            Response ok = client.post("/api/v1/bulk/tasks/priority", body);
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.header("X-RateLimit-Limit")).contains("2");
            assertThat(ok.header("X-RateLimit-Remaining")).contains(Integer.toString(left));
        }
        assertThat(client.post("/api/v1/bulk/tasks/priority", body).status()).isEqualTo(429);

        Response ordinary = client.get("/api/v1/boards");
        assertThat(ordinary.status()).isEqualTo(200);
        assertThat(ordinary.header("X-RateLimit-Remaining")).contains("4");
    }

    @Test
    void webSocketHandshakesHaveABudgetOfTheirOwn() {
        User user = identities.provision("socket-user", "socket-user-password", defaultWorkspace, Role.MEMBER, false);
        String token = identities.issueToken(user.id(), "socket", List.of("read", "write"));
        Http anonymous = http.anonymous();
        for (String path : List.of("/ws", "/ws/connect?client_id=c1&board_id=1", "/ws")) {
            Response handshake = anonymous.get(path + (path.contains("?") ? "&" : "?") + "token=" + token);
            assertThat(handshake.status()).as(path).isNotEqualTo(429);
            assertThat(handshake.header("X-RateLimit-Limit")).contains("3");
        }
        Response refused = anonymous.get("/ws/connect?token=" + token);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isPresent();

        Response api = http.withToken(token).get("/api/v1/boards");
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.header("X-RateLimit-Limit")).contains("5");
    }

    @Test
    void theWebUiIsNotLimited() {
        Http anonymous = http.anonymous();
        for (int i = 0; i < 8; i++) {
            Response page = anonymous.get("/");
            assertThat(page.status()).isNotEqualTo(429);
            assertThat(page.header("X-RateLimit-Limit")).isEmpty();
        }
    }
}
