package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The credential and administration holes of issue 12, each as it was found: scopes ignored by user
 * administration, operator endpoints open to viewers, tokens outliving their parent, password changes
 * without the current password, and users of other tenants visible or probeable.
 */
class CredentialRulesTest extends ApiTest {

    private Http systemAdminWith(String name, String... scopes) {
        User user = identities.provision(name, name + "-password", defaultWorkspace, Role.ADMIN, true);
        return http.withToken(identities.issueToken(user.id(), "tests", List.of(scopes)));
    }

    private String login(String username, String password) {
        Response r = http.anonymous().post("/api/v1/auth/login", obj("username", username, "password", password));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("access_token").asString();
    }

    @Test
    void userAdministrationNeedsTheAdminScope() {
        Http writeOnly = systemAdminWith("write-only-admin", "read", "write");
        User victim = identities.provision("victim", "victim-password", defaultWorkspace, Role.MEMBER, false);
        long users = count("users");

        Response created = writeOnly.post(
                "/api/v1/users", obj("username", "sneaky", "password", "sneaky-password", "is_admin", true));
        assertThat(created.status()).as(created.body()).isEqualTo(403);
        Response reset = writeOnly.patch("/api/v1/users/" + victim.id(), obj("password", "attacker-chosen"));
        assertThat(reset.status()).as(reset.body()).isEqualTo(403);
        assertThat(count("users")).isEqualTo(users);
        login("victim", "victim-password");

        User loner = identities.provision("loner", "loner-password", defaultWorkspace, Role.MEMBER, false);
        jdbc.sql("delete from memberships where user_id = :u")
                .param("u", loner.id())
                .update();
        Http readToken = http.withToken(identities.issueToken(loner.id(), "read", List.of("read")));
        Response own = readToken.patch(
                "/api/v1/users/" + loner.id(),
                obj("password", "changed-password", "current_password", "loner-password"));
        assertThat(own.status()).as(own.body()).isEqualTo(403);
        login("loner", "loner-password");
    }

    @Test
    void operatorEndpointsAreForSystemAdminsOnly() {
        Http viewer = clientFor("metrics-viewer", defaultWorkspace, Role.VIEWER);
        Http workspaceAdmin = clientFor("metrics-ws-admin", defaultWorkspace, Role.ADMIN);
        assertThat(viewer.get("/actuator/metrics").status()).isEqualTo(403);
        assertThat(viewer.get("/actuator").status()).isEqualTo(403);
        assertThat(workspaceAdmin.get("/actuator/metrics/jvm.memory.used").status())
                .isEqualTo(403);
        assertThat(systemAdminWith("metrics-write-admin", "read", "write")
                        .get("/actuator/metrics")
                        .status())
                .isEqualTo(403);
        assertThat(http.anonymous().get("/actuator/metrics").status()).isEqualTo(401);
        assertThat(http.get("/actuator/metrics").status()).isEqualTo(200);
        assertThat(http.anonymous().get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void aMintedTokenNeverOutlivesNorOutranksItsParentAndDiesWithIt() {
        User owner = identities.provision("minter", "minter-password", defaultWorkspace, Role.MEMBER, false);
        Http rootSession = http.withToken(login("minter", "minter-password"));
        Instant parentExpiry = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Response parent = rootSession.post(
                "/api/v1/tokens",
                obj("name", "parent", "scopes", List.of("read", "write"), "expires_at", parentExpiry.toString()));
        assertThat(parent.status()).as(parent.body()).isEqualTo(201);
        Http parentClient = http.withToken(parent.json().get("token").asString());

        assertThat(parentClient
                        .post("/api/v1/tokens", obj("name", "escalate", "scopes", List.of("admin")))
                        .status())
                .isEqualTo(403);
        // a read-only token mints nothing (aReadTokenMintsNoTokenAndRevokesNoOtherTokenButItself)
        Response child = parentClient.post("/api/v1/tokens", obj("name", "child", "scopes", List.of("read", "write")));
        assertThat(child.status()).as(child.body()).isEqualTo(201);
        assertThat(Instant.parse(child.json().get("expires_at").asString())).isEqualTo(parentExpiry);
        Response longer = parentClient.post(
                "/api/v1/tokens", obj("name", "longer", "scopes", List.of("read"), "expires_in_days", 365));
        assertThat(Instant.parse(longer.json().get("expires_at").asString())).isEqualTo(parentExpiry);
        Http childClient = http.withToken(child.json().get("token").asString());
        Response grandchild = childClient.post("/api/v1/tokens", obj("name", "grandchild", "scopes", List.of("read")));
        Http grandchildClient = http.withToken(grandchild.json().get("token").asString());
        assertThat(grandchildClient.get("/api/v1/auth/me").status()).isEqualTo(200);

        assertThat(parentClient.delete("/api/v1/tokens/" + parent.id()).status())
                .isEqualTo(204);

        assertThat(parentClient.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(childClient.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(grandchildClient.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(rootSession.get("/api/v1/auth/me").status()).isEqualTo(200);
        assertThat(owner.id()).isPositive();
    }

    /**
     * A read-only token could mint tokens and revoke its owner's other tokens (found by a hostile
     * review): minting and revoking another token need the write scope; a read token still lists the
     * tokens and revokes itself.
     */
    @Test
    void aReadTokenMintsNoTokenAndRevokesNoOtherTokenButItself() {
        identities.provision("reader", "reader-password", defaultWorkspace, Role.MEMBER, false);
        Http session = http.withToken(login("reader", "reader-password"));
        Response ci = session.post("/api/v1/tokens", obj("name", "ci", "scopes", List.of("read", "write")));
        Response read = session.post("/api/v1/tokens", obj("name", "read-only", "scopes", List.of("read")));
        assertThat(read.status()).as(read.body()).isEqualTo(201);
        Http ciClient = http.withToken(ci.json().get("token").asString());
        Http reader = http.withToken(read.json().get("token").asString());
        long tokens = count("api_tokens");

        for (List<String> scopes : List.of(List.of("read"), List.of("read", "write"), List.of("admin"))) {
            Response minted = reader.post("/api/v1/tokens", obj("name", "minted", "scopes", scopes));
            assertThat(minted.status()).as(scopes + ": " + minted.body()).isEqualTo(403);
        }
        assertThat(count("api_tokens")).isEqualTo(tokens);

        Response revokeOther = reader.delete("/api/v1/tokens/" + ci.id());
        assertThat(revokeOther.status()).as(revokeOther.body()).isEqualTo(403);
        assertThat(ciClient.get("/api/v1/auth/me").status()).isEqualTo(200);
        assertThat(count("api_tokens where revoked_at is not null and user_id = (select id from users"
                        + " where username = 'reader')"))
                .isZero();

        assertThat(reader.get("/api/v1/tokens").json().get("total").asInt()).isEqualTo(2);
        assertThat(reader.delete("/api/v1/tokens/" + read.id()).status()).isEqualTo(204);
        assertThat(reader.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(ciClient.get("/api/v1/auth/me").status()).isEqualTo(200);
        // a write token revokes its owner's other tokens, as before
        Response another = session.post("/api/v1/tokens", obj("name", "another", "scopes", List.of("read")));
        assertThat(ciClient.delete("/api/v1/tokens/" + another.id()).status()).isEqualTo(204);
    }

    @Test
    void changingYourPasswordNeedsTheCurrentOneAndEndsYourOtherSessions() {
        User user = identities.provision("changer", "first-password", defaultWorkspace, Role.MEMBER, false);
        Http here = http.withToken(login("changer", "first-password"));
        Http elsewhere = http.withToken(login("changer", "first-password"));

        Response missing = here.patch("/api/v1/users/" + user.id(), obj("password", "second-password"));
        assertThat(missing.status()).as(missing.body()).isEqualTo(422);
        Response wrong = here.patch(
                "/api/v1/users/" + user.id(), obj("password", "second-password", "current_password", "not-it-at-all"));
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(elsewhere.get("/api/v1/auth/me").status()).isEqualTo(200);

        Response changed = here.patch(
                "/api/v1/users/" + user.id(), obj("password", "second-password", "current_password", "first-password"));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(here.get("/api/v1/auth/me").status()).isEqualTo(200);
        assertThat(elsewhere.get("/api/v1/auth/me").status()).isEqualTo(401);
        login("changer", "second-password");
    }

    /** bcrypt hashes at most 72 bytes: a longer password is a 422 naming it wherever one is set, never a 500. */
    @Test
    void aPasswordOverBcryptsLimitIsRefusedWhereverOneIsSet() {
        User user = identities.provision("longpw", "first-password", defaultWorkspace, Role.MEMBER, false);
        Http session = http.withToken(login("longpw", "first-password"));
        String link = http.post("/api/v1/workspaces/" + defaultWorkspace + "/invitation-links", obj("role", "member"))
                .json()
                .get("token")
                .asString();
        for (String tooLong : List.of("p".repeat(73), "é".repeat(37))) {
            List<Response> refused = List.of(
                    http.post("/api/v1/users", obj("username", "longpw-new", "password", tooLong)),
                    session.patch(
                            "/api/v1/users/" + user.id(),
                            obj("password", tooLong, "current_password", "first-password")),
                    http.patch("/api/v1/users/" + user.id(), obj("password", tooLong)),
                    http.anonymous()
                            .post(
                                    "/api/v1/invitations/link/redeem",
                                    obj("token", link, "username", "longpw-invited", "password", tooLong)));
            for (Response r : refused) {
                assertThat(r.status()).as(r.body()).isEqualTo(422);
                assertThat(r.body()).contains("password").contains("72 bytes");
            }
        }
        assertThat(jdbc.sql("select count(*) from users where username in ('longpw-new', 'longpw-invited')")
                        .query(Long.class)
                        .single())
                .isZero();
        login("longpw", "first-password");
        Response longest = http.anonymous()
                .post(
                        "/api/v1/invitations/link/redeem",
                        obj("token", link, "username", "longpw-invited", "password", "p".repeat(72)));
        assertThat(longest.status())
                .as("the link still works, 72 bytes are fine: " + longest.body())
                .isEqualTo(200);
    }

    @Test
    void wrongCurrentPasswordsAreThrottledAndLoggedLikeWrongSignIns() {
        User user = identities.provision("stolen", "first-password", defaultWorkspace, Role.MEMBER, false);
        Http session = http.withToken(login("stolen", "first-password"));
        for (int i = 0; i < 5; i++) {
            Response wrong = session.patch(
                    "/api/v1/users/" + user.id(), obj("password", "second-password", "current_password", "guess-" + i));
            assertThat(wrong.status()).as(wrong.body()).isEqualTo(422);
        }
        Response limited = session.patch(
                "/api/v1/users/" + user.id(), obj("password", "second-password", "current_password", "first-password"));
        assertThat(limited.status()).as(limited.body()).isEqualTo(429);
        assertThat(limited.json().get("type").asString()).endsWith("/too-many-attempts");
        assertThat(jdbc.sql("select count(*) from identity_audit where action = 'sign_in_failed'"
                                + " and subject_user_id = :u and detail->>'reason' = 'current_password'")
                        .param("u", user.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(5);
        assertThat(http.anonymous()
                        .post("/api/v1/auth/login", obj("username", "stolen", "password", "first-password"))
                        .status())
                .as("the same budget as signing in")
                .isEqualTo(429);
    }

    /**
     * Sessions end at an instant, not at a whole second: one signed in the same second after the end
     * works (those signed before the end are refused: changingYourPassword…, anAdminsPasswordReset…).
     */
    @Test
    void aSessionSignedInTheSameSecondAfterTheEndOfSessionsWorks() {
        User user = identities.provision("quick", "quick-password", defaultWorkspace, Role.MEMBER, false);
        // the sessions end a microsecond into the current second, so a session signed later in this
        // second has a whole-second iat before the end
        jdbc.sql(
                        "update users set sessions_valid_after = date_trunc('second', clock_timestamp()) + interval '1 microsecond'"
                                + " where id = :id")
                .param("id", user.id())
                .update();
        Http after = http.withToken(login("quick", "quick-password"));

        assertThat(after.get("/api/v1/auth/me").status()).isEqualTo(200);
    }

    @Test
    void anAdminsPasswordResetIsAuditedAndEndsTheUsersSessions() {
        User user = identities.provision("forgetful", "old-password", defaultWorkspace, Role.MEMBER, false);
        Http session = http.withToken(login("forgetful", "old-password"));

        Response reset = http.patch("/api/v1/users/" + user.id(), obj("password", "reset-password"));
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);

        assertThat(session.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(jdbc.sql("""
                select count(*) from identity_audit where action = 'user_changed' and actor_user_id = :a
                  and subject_user_id = :u and detail -> 'changes' @> '["password_reset"]'
                """)
                        .param("a", admin.id())
                        .param("u", user.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void usersSeeOnlyUsersTheyShareAWorkspaceWith() {
        long elsewhere = otherWorkspace("other-tenant");
        identities.provision("other-tenant-user", "other-tenant-password", elsewhere, Role.ADMIN, false);
        Http member = clientFor("curious", defaultWorkspace, Role.MEMBER);

        List<String> seen =
                member.get("/api/v1/users?limit=500").json().get("items").findValuesAsString("username");
        assertThat(seen).contains("curious", "tester").doesNotContain("other-tenant-user");
        long hidden = jdbc.sql("select id from users where username = 'other-tenant-user'")
                .query(Long.class)
                .single();
        assertThat(member.get("/api/v1/users/" + hidden).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/users?limit=500").json().get("items").findValuesAsString("username"))
                .contains("other-tenant-user");
    }

    @Test
    void addingAMemberByNameRevealsNothingAboutWhetherTheUserExists() {
        identities.provision("real-person", "real-person-password", otherWorkspace("their-own"), Role.ADMIN, false);
        User founder = identities.provision("founder", "founder-password", defaultWorkspace, Role.MEMBER, false);
        Http session = http.withToken(login("founder", "founder-password"));
        Response ws = session.post("/api/v1/workspaces", obj("name", "Probe"));
        assertThat(ws.status()).as(ws.body()).isEqualTo(201);
        String members = "/api/v1/workspaces/" + ws.id() + "/members";

        Response known = session.post(members, obj("username", "real-person", "role", "member"));
        Response unknown = session.post(members, obj("username", "nobody-by-this-name", "role", "member"));
        assertThat(known.status()).isEqualTo(202);
        assertThat(unknown.status()).isEqualTo(202);
        assertThat(known.json().get("status").asString()).isEqualTo("invited");
        assertThat(unknown.json().get("status").asString()).isEqualTo("invited");
        assertThat(known.json().propertyNames()).isEqualTo(unknown.json().propertyNames());
        assertThat(session.get(members).json().get("items").findValuesAsString("username"))
                .containsExactly("founder");
        assertThat(session.get("/api/v1/users?limit=500").json().get("items").findValuesAsString("username"))
                .doesNotContain("real-person");
        assertThat(founder.id()).isPositive();

        // the person invited sees the invitation and may accept it
        Http invitee = http.withToken(login("real-person", "real-person-password"));
        var invitations = invitee.get("/api/v1/invitations").json().get("items");
        assertThat(invitations).hasSize(1);
        Response accepted = invitee.post(
                "/api/v1/invitations/" + invitations.get(0).get("id").asLong() + "/accept", null);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(session.get(members).json().get("items").findValuesAsString("username"))
                .containsExactlyInAnyOrder("founder", "real-person");
        assertThat(jdbc.sql("""
                        select count(*) from identity_audit a join users u on u.id = a.subject_user_id
                        where a.action = 'invitation_accepted' and u.username = 'real-person' and a.workspace_id = :w
                        """).param("w", ws.id()).query(Long.class).single())
                .as("the acceptance is in the security log")
                .isEqualTo(1);
    }
}
