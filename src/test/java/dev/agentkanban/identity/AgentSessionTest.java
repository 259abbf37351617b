package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Seed 002's named sessions for agents: on with the default settings outside production. */
class AgentSessionTest extends ApiTest {

    @Test
    void aNamedSessionActsAsAnAgentOfTheDefaultWorkspace() {
        Response s = http.anonymous().post("/api/v1/auth/session", obj("username", "claude-1"));
        assertThat(s.status()).as(s.body()).isEqualTo(200);
        String token = s.json().get("access_token").asString();
        assertThat(s.json().get("user").get("kind").asString()).isEqualTo("agent");

        Http agent = http.withToken(token);
        Response me = agent.get("/api/v1/auth/me");
        assertThat(me.json().get("workspace").get("role").asString()).isEqualTo("agent");
        long board = http.post("/api/v1/boards", obj("name", "Sessions")).id();
        Response task = agent.post("/api/v1/tasks", obj("board_id", board, "title", "by the agent"));
        assertThat(task.json().get("created_by").asString()).isEqualTo("claude-1");
        assertThat(agent.delete("/api/v1/boards/" + board).status()).isEqualTo(403);

        Http bySessionHeader = http.as("X-Session-Id", token);
        assertThat(bySessionHeader
                        .get("/api/v1/auth/me")
                        .json()
                        .get("user")
                        .get("username")
                        .asString())
                .isEqualTo("claude-1");
    }

    /**
     * A token minted with a named session outlived the session's logout (only its expiry was capped;
     * found by a hostile review): signing the session out revokes the tokens it minted, and theirs,
     * while another session of the same agent and its tokens go on.
     */
    @Test
    void theTokensANamedSessionMintedEndWhenItSignsOut() {
        Http agent = namedSession("minting-agent");
        Response minted = agent.post("/api/v1/tokens", obj("name", "agent-ci", "scopes", List.of("read", "write")));
        assertThat(minted.status()).as(minted.body()).isEqualTo(201);
        Http child = http.withToken(minted.json().get("token").asString());
        Response grand = child.post("/api/v1/tokens", obj("name", "agent-ci-2", "scopes", List.of("read")));
        assertThat(grand.status()).as(grand.body()).isEqualTo(201);
        Http grandchild = http.withToken(grand.json().get("token").asString());
        Http again = namedSession("minting-agent");
        Response kept = again.post("/api/v1/tokens", obj("name", "kept", "scopes", List.of("read")));
        Http keptClient = http.withToken(kept.json().get("token").asString());
        assertThat(child.get("/api/v1/auth/me").status()).isEqualTo(200);
        assertThat(grandchild.get("/api/v1/auth/me").status()).isEqualTo(200);

        assertThat(agent.post("/api/v1/auth/logout", obj()).status()).isLessThan(300);

        assertThat(agent.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(child.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(grandchild.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(count("api_tokens where revoked_at is not null and id in (" + minted.id() + ", " + grand.id() + ")"))
                .isEqualTo(2);
        assertThat(again.get("/api/v1/auth/me").status()).isEqualTo(200);
        assertThat(keptClient.get("/api/v1/auth/me").status()).isEqualTo(200);
    }

    /**
     * Seed 002's {@code GET .../session} ("get current session") answered 405: the session's holder
     * now reads who it is there, as at {@code /auth/me}; without a credential it is a 401.
     */
    @Test
    void theCurrentSessionIsReadBackAtTheSessionPath() {
        Http agent = namedSession("reading-agent");
        Response current = agent.get("/api/v1/auth/session");
        assertThat(current.status()).as(current.body()).isEqualTo(200);
        assertThat(current.json().get("user").get("username").asString()).isEqualTo("reading-agent");
        assertThat(current.json().get("credential").asString()).isEqualTo("session");
        assertThat(current.json().get("workspace").get("role").asString()).isEqualTo("agent");

        Response anonymous = http.anonymous().get("/api/v1/auth/session");
        assertThat(anonymous.status()).as(anonymous.body()).isEqualTo(401);
    }

    private Http namedSession(String name) {
        Response s = http.anonymous().post("/api/v1/auth/session", obj("username", name));
        assertThat(s.status()).as(s.body()).isEqualTo(200);
        return http.withToken(s.json().get("access_token").asString());
    }

    @Test
    void aPersonsAccountCannotBeTakenByANamedSession() {
        identities.provision("person", "person-password", defaultWorkspace, Role.MEMBER, false);
        assertThat(http.anonymous()
                        .post("/api/v1/auth/session", obj("username", "person"))
                        .status())
                .isEqualTo(409);
        assertThat(http.anonymous()
                        .post("/api/v1/auth/session", obj("username", "bad name!"))
                        .status())
                .isEqualTo(422);
    }

    @Test
    void anAgentAccountAnAdminMadeCannotBeTakenByANamedSession() {
        Response made = http.post("/api/v1/users", obj("username", "svc-worker", "kind", "agent", "role", "admin"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);

        Response s = http.anonymous().post("/api/v1/auth/session", obj("username", "svc-worker"));

        assertThat(s.status()).as(s.body()).isEqualTo(409);
        assertThat(s.body()).doesNotContain("access_token");
        assertThat(sessionsOf("svc-worker")).isZero();
    }

    @Test
    void aNamedSessionResumesItsOwnAccountWithoutTheAdminScopeEvenWhenMadeAnAdmin() {
        Response first = http.anonymous().post("/api/v1/auth/session", obj("username", "claude-2"));
        Response again = http.anonymous().post("/api/v1/auth/session", obj("username", "claude-2"));
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        long id = first.json().get("user").get("id").asLong();
        assertThat(again.json().get("user").get("id").asLong()).isEqualTo(id);
        // an admin makes the account an admin of the workspace: a caller without a secret still cannot act as one
        assertThat(http.put("/api/v1/workspaces/" + defaultWorkspace + "/members/" + id, obj("role", "admin"))
                        .status())
                .isEqualTo(200);

        Http agent = http.withToken(again.json().get("access_token").asString());
        assertThat(agent.get("/api/v1/auth/me")
                        .json()
                        .get("scopes")
                        .valueStream()
                        .map(n -> n.asString()))
                .containsExactlyInAnyOrder("read", "write");
        assertThat(agent.get("/api/v1/security/audit").status()).isEqualTo(403);
        assertThat(jdbc.sql("""
                        select count(*) from identity_audit
                        where action = 'signed_in' and subject_user_id = :u and detail ->> 'method' = 'named'
                        """).param("u", id).query(Long.class).single())
                .as("each named session is in the security log")
                .isEqualTo(2);
    }

    @Test
    void aSessionAgentGivenAPasswordIsNoLongerTakenByName() {
        long id = sessionUser("claude-5");
        Response set = http.patch("/api/v1/users/" + id, obj("password", "a-long-password-now"));
        assertThat(set.status()).as(set.body()).isEqualTo(200);

        assertThat(http.anonymous()
                        .post("/api/v1/auth/session", obj("username", "claude-5"))
                        .status())
                .isEqualTo(409);
    }

    @Test
    void aDisabledSessionAgentGetsNoSession() {
        long id = sessionUser("claude-3");
        assertThat(http.patch("/api/v1/users/" + id, obj("disabled", true)).status())
                .isEqualTo(200);

        Response s = http.anonymous().post("/api/v1/auth/session", obj("username", "claude-3"));

        assertThat(s.status()).as(s.body()).isEqualTo(403);
        assertThat(sessionsOf("claude-3")).isEqualTo(1);
    }

    @Test
    void aNamedSessionNeitherTakesAnInvitedNameNorAcceptsAnInvitation() {
        long other = otherWorkspace("invites");
        Http otherAdmin = clientFor("other-admin", other, Role.ADMIN);
        String members = "/api/v1/workspaces/" + other + "/members";
        // an invitation by a name nobody has yet holds that name
        assertThat(otherAdmin
                        .post(members, obj("username", "carol", "role", "admin"))
                        .status())
                .isEqualTo(202);
        assertThat(http.anonymous()
                        .post("/api/v1/auth/session", obj("username", "carol"))
                        .status())
                .isEqualTo(409);
        assertThat(jdbc.sql("select count(*) from users where username = 'carol'")
                        .query(Long.class)
                        .single())
                .isZero();

        // an invitation to an account a named session made cannot be accepted by whoever signs in as it
        Http agent = http.withToken(http.anonymous()
                .post("/api/v1/auth/session", obj("username", "claude-4"))
                .json()
                .get("access_token")
                .asString());
        assertThat(otherAdmin
                        .post(members, obj("username", "claude-4", "role", "admin"))
                        .status())
                .isEqualTo(202);
        long invitation = agent.get("/api/v1/invitations")
                .json()
                .get("items")
                .get(0)
                .get("id")
                .asLong();

        Response accepted = agent.post("/api/v1/invitations/" + invitation + "/accept", null);

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(403);
        assertThat(otherAdmin.get(members).json().get("items").findValuesAsString("username"))
                .containsExactly("other-admin");
    }

    @Test
    void anAccountANamedSessionMadeCannotJoinThroughAnInvitationLink() {
        long ws = otherWorkspace("link-secret-team");
        String members = "/api/v1/workspaces/" + ws + "/members";
        Response link = http.post("/api/v1/workspaces/" + ws + "/invitation-links", obj("role", "admin"));
        assertThat(link.status()).as(link.body()).isEqualTo(201);
        String token = link.json().get("token").asString();
        Http agent = http.withToken(http.anonymous()
                .post("/api/v1/auth/session", obj("username", "link-bot"))
                .json()
                .get("access_token")
                .asString());

        Response accepted = agent.post("/api/v1/invitations/link/accept", obj("token", token));

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(403);
        assertThat(accepted.json().get("type").asString()).endsWith("named-session-account");
        assertThat(http.get(members).json().get("items").findValuesAsString("username"))
                .doesNotContain("link-bot");
        // the link is still unused: the person it was meant for can take it
        Http person = clientFor("link-person", defaultWorkspace, Role.MEMBER);
        Response joined = person.post("/api/v1/invitations/link/accept", obj("token", token));
        assertThat(joined.status()).as(joined.body()).isEqualTo(200);
    }

    /** The id of the account a named session of this name answers with. */
    private long sessionUser(String username) {
        return http.anonymous()
                .post("/api/v1/auth/session", obj("username", username))
                .json()
                .get("user")
                .get("id")
                .asLong();
    }

    private long sessionsOf(String username) {
        return jdbc.sql("select count(*) from user_sessions s join users u on u.id = s.user_id where u.username = :u")
                .param("u", username)
                .query(Long.class)
                .single();
    }
}
