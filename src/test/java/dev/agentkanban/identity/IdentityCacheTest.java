package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every instance answers who a caller is and what role they hold from memory (issue #19), and a change
 * made through another instance reaches that memory at once: a revoked API token or signed-out
 * session stops working, and a lowered role applies, on the other instance within a second
 * (NOTIFY kanban_access, V13 and V26).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityCacheTest {

    /** What "at once" means here: a notification between two instances on one machine, with margin for load. */
    private static final Duration WITHIN = Duration.ofSeconds(1);

    AppInstance one;
    AppInstance two;
    long workspace;
    Http adminOnOne;

    @BeforeAll
    void start() {
        TestDatabase db = TestDatabase.get().another();
        // one signing key for both, as instances behind one load balancer have
        String key = "kanban.secret-key=identity-cache-test-signing-key-0123456789";
        one = AppInstance.startOn(db, List.of(), key, "kanban.sessions-enabled=true");
        two = AppInstance.startOn(db, List.of(), key, "kanban.sessions-enabled=true");
        workspace = one.context.getBean(Workspaces.class).defaultWorkspaceId();
        adminOnOne = one.http.withToken(one.token("cache-admin", Role.ADMIN, "read", "write", "admin"));
    }

    @AfterAll
    void stop() {
        if (two != null) {
            two.close();
        }
        if (one != null) {
            one.close();
        }
    }

    /** How long it took until {@code condition} held, failing if not within {@link #WITHIN}. */
    private static Duration until(Supplier<Boolean> condition) {
        long start = System.nanoTime();
        long deadline = start + WITHIN.toNanos();
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("not within " + WITHIN).isLessThan(deadline);
            Thread.onSpinWait();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Answers a few requests on both instances, so that both hold the credential in memory. */
    private static void warm(Http onOne, Http onTwo) {
        for (int i = 0; i < 3; i++) {
            assertThat(onOne.get("/api/v1/boards").status()).isEqualTo(200);
            assertThat(onTwo.get("/api/v1/boards").status()).isEqualTo(200);
        }
    }

    @Test
    void aRevokedApiTokenStopsWorkingOnTheOtherInstanceWithinASecond() {
        String token = one.token("cache-token", Role.MEMBER, "read", "write");
        Http onOne = one.http.withToken(token);
        Http onTwo = two.http.withToken(token);
        warm(onOne, onTwo);

        assertThat(onOne.post("/api/v1/auth/logout", obj()).status()).isLessThan(300);

        until(() -> onTwo.get("/api/v1/boards").status() == 401);
        assertThat(onOne.get("/api/v1/boards").status()).isEqualTo(401);
    }

    @Test
    void aSignedOutSessionStopsWorkingOnTheOtherInstanceWithinASecond() {
        one.context
                .getBean(Identities.class)
                .provision("cache-session", "cache-session-password", workspace, Role.MEMBER, false);
        String token = one.http
                .post("/api/v1/auth/login", obj("username", "cache-session", "password", "cache-session-password"))
                .json()
                .get("access_token")
                .asString();
        Http onOne = one.http.withToken(token);
        Http onTwo = two.http.withToken(token);
        warm(onOne, onTwo);

        assertThat(onOne.post("/api/v1/auth/logout", obj()).status()).isLessThan(300);

        until(() -> onTwo.get("/api/v1/boards").status() == 401);
    }

    @Test
    void aTokenANamedSessionMintedStopsWorkingOnTheOtherInstanceWhenTheSessionSignsOut() {
        String session = one.http
                .anonymous()
                .post("/api/v1/auth/session", obj("username", "cache-named-agent"))
                .json()
                .get("access_token")
                .asString();
        Http sessionOnOne = one.http.withToken(session);
        String token = sessionOnOne
                .post("/api/v1/tokens", obj("name", "minted", "scopes", List.of("read", "write")))
                .json()
                .get("token")
                .asString();
        Http onOne = one.http.withToken(token);
        Http onTwo = two.http.withToken(token);
        warm(onOne, onTwo);

        assertThat(sessionOnOne.post("/api/v1/auth/logout", obj()).status()).isLessThan(300);

        assertThat(onOne.get("/api/v1/boards").status()).isEqualTo(401);
        until(() -> onTwo.get("/api/v1/boards").status() == 401);
    }

    @Test
    void aLoweredRoleAppliesOnTheOtherInstanceWithinASecond() {
        User user = one.context
                .getBean(Identities.class)
                .provision("cache-demoted", "cache-demoted-password", workspace, Role.MEMBER, false);
        String token = one.context.getBean(Identities.class).issueToken(user.id(), "tests", List.of("read", "write"));
        Http onOne = one.http.withToken(token);
        Http onTwo = two.http.withToken(token);
        warm(onOne, onTwo);
        assertThat(onTwo.post("/api/v1/boards", obj("name", "while a member")).status())
                .isEqualTo(201);

        assertThat(adminOnOne
                        .put("/api/v1/workspaces/" + workspace + "/members/" + user.id(), obj("role", "viewer"))
                        .status())
                .isEqualTo(200);

        until(() -> onTwo.post("/api/v1/boards", obj("name", "as a viewer")).status() == 403);
        assertThat(onTwo.get("/api/v1/boards").status()).isEqualTo(200);
    }

    @Test
    void aRemovedMemberIsRefusedOnTheOtherInstanceWithinASecond() {
        User user = one.context
                .getBean(Identities.class)
                .provision("cache-removed", "cache-removed-password", workspace, Role.MEMBER, false);
        String token = one.context.getBean(Identities.class).issueToken(user.id(), "tests", List.of("read", "write"));
        Http onOne = one.http.withToken(token);
        Http onTwo = two.http.withToken(token);
        warm(onOne, onTwo);

        assertThat(adminOnOne
                        .delete("/api/v1/workspaces/" + workspace + "/members/" + user.id())
                        .status())
                .isEqualTo(204);

        until(() -> onTwo.get("/api/v1/boards").status() == 403);
    }
}
