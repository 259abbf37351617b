package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** A person's signed-in sessions: listed with their last use, each can be ended (and then stops working). */
class SessionsApiTest extends ApiTest {

    @Autowired
    Credentials credentials;

    /**
     * A page in use renews its session's token before it expires: the same session (one row in the list,
     * ended by signing out with either token), lasting the TTL from the renewal. An API token is not renewed.
     */
    @Test
    void aSessionIsRenewedAsTheSameSessionWithALaterExpiry() {
        identities.provision("ses-ren", "ses-ren-password", defaultWorkspace, Role.MEMBER, false);
        Response login =
                http.anonymous().post("/api/v1/auth/login", obj("username", "ses-ren", "password", "ses-ren-password"));
        Http first = http.withToken(login.json().get("access_token").asString());
        Instant firstExpiry = Instant.parse(login.json().get("expires_at").asString());

        Response renewed = first.post("/api/v1/auth/renew", null);

        assertThat(renewed.status()).as(renewed.body()).isEqualTo(200);
        // (within the same second as the sign-in the new token may equal the first: expiry counts seconds)
        String token = renewed.json().get("access_token").asString();
        assertThat(Instant.parse(renewed.json().get("expires_at").asString())).isAfterOrEqualTo(firstExpiry);
        assertThat(renewed.json().get("user").get("username").asString()).isEqualTo("ses-ren");
        Http second = http.withToken(token);
        assertThat(second.get("/api/v1/auth/me").status()).isEqualTo(200);
        JsonNode sessions = second.get("/api/v1/auth/sessions").json().get("items");
        assertThat(sessions).hasSize(1);
        assertThat(sessions.get(0).get("current").asBoolean()).isTrue();

        assertThat(second.post("/api/v1/auth/logout", null).status()).isEqualTo(204);
        assertThat(second.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(first.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(first.post("/api/v1/auth/renew", null).status()).isEqualTo(401);
        assertThat(http.post("/api/v1/auth/renew", null).status())
                .as("an API token is not renewed")
                .isEqualTo(409);
    }

    /** A session token is refused from its expiry on, not up to a minute later (JWT clock skew). */
    @Test
    void aSessionTokenIsRefusedOnceItExpired() {
        User user = identities.provision("ses-exp", "ses-exp-password", defaultWorkspace, Role.MEMBER, false);
        Instant now = Instant.now();
        String expired = credentials
                .sign(user, "jwt", UUID.randomUUID().toString(), now.minusSeconds(3600), now.minusSeconds(3))
                .token();
        String valid = credentials
                .sign(user, "jwt", UUID.randomUUID().toString(), now.minusSeconds(3600), now.plusSeconds(60))
                .token();

        assertThat(http.withToken(valid).get("/api/v1/auth/me").status()).isEqualTo(200);
        assertThat(http.withToken(expired).get("/api/v1/auth/me").status()).isEqualTo(401);
    }

    private Http signIn(String name, String agent) {
        Response r = http.anonymous()
                .post("/api/v1/auth/login", obj("username", name, "password", name + "-password"), "User-Agent", agent);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return http.withToken(r.json().get("access_token").asString());
    }

    @Test
    void sessionsAreListedWithLastUseAndAnyOtherCanBeEnded() {
        identities.provision("ses-ann", "ses-ann-password", defaultWorkspace, Role.MEMBER, false);
        Http laptop = signIn("ses-ann", "laptop-browser");
        Http phone = signIn("ses-ann", "phone-browser");
        assertThat(phone.get("/api/v1/boards").status()).isEqualTo(200);

        JsonNode list = laptop.get("/api/v1/auth/sessions").json().get("items");
        assertThat(list).hasSize(2);
        JsonNode phoneRow = null;
        for (JsonNode s : list) {
            assertThat(s.get("address").asString()).isEqualTo("127.0.0.1");
            assertThat(s.get("method").asString()).isEqualTo("password");
            assertThat(s.get("last_used_at").isNull()).isFalse();
            if (s.get("user_agent").asString().equals("phone-browser")) {
                phoneRow = s;
                assertThat(s.get("current").asBoolean()).isFalse();
            } else {
                assertThat(s.get("current").asBoolean()).isTrue();
            }
        }
        assertThat(phoneRow).isNotNull();

        assertThat(laptop.delete("/api/v1/auth/sessions/" + phoneRow.get("id").asLong())
                        .status())
                .isEqualTo(204);
        assertThat(phone.get("/api/v1/boards").status())
                .as("the ended session stops working")
                .isEqualTo(401);
        assertThat(laptop.get("/api/v1/auth/sessions").json().get("items")).hasSize(1);
        assertThat(laptop.delete("/api/v1/auth/sessions/" + phoneRow.get("id").asLong())
                        .status())
                .as("ended already")
                .isEqualTo(404);
        assertThat(count("identity_audit where action = 'session_ended'")).isEqualTo(1);
    }

    @Test
    void anotherPersonsSessionIsNotFound() {
        identities.provision("ses-bob", "ses-bob-password", defaultWorkspace, Role.MEMBER, false);
        identities.provision("ses-eve", "ses-eve-password", defaultWorkspace, Role.MEMBER, false);
        Http bob = signIn("ses-bob", "b");
        Http eve = signIn("ses-eve", "e");
        long bobs = bob.get("/api/v1/auth/sessions")
                .json()
                .get("items")
                .get(0)
                .get("id")
                .asLong();
        assertThat(eve.delete("/api/v1/auth/sessions/" + bobs).status()).isEqualTo(404);
        assertThat(bob.get("/api/v1/boards").status()).isEqualTo(200);
    }

    @Test
    void signingOutRemovesTheSessionFromTheList() {
        identities.provision("ses-cid", "ses-cid-password", defaultWorkspace, Role.MEMBER, false);
        Http one = signIn("ses-cid", "one");
        Http two = signIn("ses-cid", "two");
        assertThat(two.post("/api/v1/auth/logout", null).status()).isEqualTo(204);
        JsonNode list = one.get("/api/v1/auth/sessions").json().get("items");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("user_agent").asString()).isEqualTo("one");
    }
}
