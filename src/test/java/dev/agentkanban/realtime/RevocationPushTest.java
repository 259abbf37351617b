package dev.agentkanban.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.task.TaskFixtures;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Revocations reach every instance at once: with the periodic access check set to an hour, a token
 * revoked (or a member removed) through instance A closes the WebSocket its holder has open on
 * instance B, which only the database's notification (NOTIFY kanban_access) can have told B about.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevocationPushTest {

    private static final String NO_PERIODIC_CHECK = "kanban.websocket.access-check-interval=PT1H";

    private AppInstance a;
    private AppInstance b;
    private Http adminOnA;

    @BeforeAll
    void startTwoInstances() {
        a = AppInstance.start(NO_PERIODIC_CHECK);
        b = AppInstance.start(NO_PERIODIC_CHECK);
        adminOnA = a.http.withToken(a.token(unique("push-admin"), Role.ADMIN, "read", "write", "admin"));
    }

    @AfterAll
    void stop() {
        java.util.stream.Stream.of(b, a).filter(java.util.Objects::nonNull).forEach(AppInstance::close);
    }

    @Test
    void aTokenRevokedOnOneInstanceClosesItsSocketOnTheOther() throws Exception {
        String token = a.memberToken(unique("push-token"));
        Http owner = a.http.withToken(token);
        long tokenId =
                owner.get("/api/v1/tokens").json().get("items").get(0).get("id").asLong();
        try (LiveClient onB = subscribed(b, token, new TaskFixtures(owner).board("Push")[0])) {
            long start = System.nanoTime();
            assertThat(owner.delete("/api/v1/tokens/" + tokenId).status()).isEqualTo(204);

            assertEnded(onB, LiveAccess.CREDENTIAL_ENDED);
            System.out.printf(
                    "revoked token's socket on the other instance closed after %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Test
    void aMemberRemovedOnOneInstanceLosesTheirSocketOnTheOther() throws Exception {
        String name = unique("push-member");
        String token = a.memberToken(name);
        long userId = a.http.withToken(token)
                .get("/api/v1/auth/me")
                .json()
                .get("user")
                .get("id")
                .asLong();
        long workspace = a.http.withToken(token)
                .get("/api/v1/auth/me")
                .json()
                .get("workspace")
                .get("id")
                .asLong();
        try (LiveClient onB = subscribed(b, token, new TaskFixtures(adminOnA).board("Removal")[0])) {
            assertThat(adminOnA.delete("/api/v1/workspaces/" + workspace + "/members/" + userId)
                            .status())
                    .isEqualTo(204);

            assertEnded(onB, LiveAccess.NOT_A_MEMBER);
        }
    }

    /**
     * A token's expiry ends its socket at that moment, as a revocation would (an expired credential is
     * not accepted anywhere): with the periodic check an hour away, nothing else can have closed it.
     */
    @Test
    void aTokenThatExpiresClosesItsSocketWhenItExpires() throws Exception {
        Http owner = a.http.withToken(a.memberToken(unique("expiring")));
        java.time.Instant expires = java.time.Instant.now().plusSeconds(6);
        var created = owner.post(
                "/api/v1/tokens",
                dev.agentkanban.support.Http.obj(
                        "name", "short-lived", "scopes", java.util.List.of("read"), "expires_at", expires.toString()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = created.json().get("token").asString();
        try (LiveClient onB = subscribed(b, token, new TaskFixtures(owner).board("Expiry")[0])) {
            assertEnded(onB, LiveAccess.CREDENTIAL_ENDED);
            assertThat(java.time.Instant.now()).as("not before the expiry").isAfterOrEqualTo(expires);
        }
    }

    private static LiveClient subscribed(AppInstance instance, String token, long board) throws InterruptedException {
        int port = Integer.parseInt(instance.context.getEnvironment().getProperty("local.server.port"));
        LiveClient client = LiveClient.connect(port, "/ws", token);
        client.expect("connected");
        client.subscribe(board);
        client.expect("subscribed");
        return client;
    }

    /** Closed with the reason, within LiveClient's wait (10 s): far less than the hour of the periodic check. */
    private static void assertEnded(LiveClient client, int code) throws Exception {
        JsonNode m = client.next();
        while (m.has("event") && "board_created".equals(m.get("event").asString())) {
            m = client.next(); // the board made right before subscribing may still arrive live (see LiveClient)
        }
        assertThat(m.get("type").asString()).as("message %s", m).isEqualTo("error");
        assertThat(m.get("code").asString()).isEqualTo("access_ended");
        assertThat(client.awaitClose().code()).isEqualTo(code);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
