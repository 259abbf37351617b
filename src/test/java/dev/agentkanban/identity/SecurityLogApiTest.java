package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.HeldLock;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The security log: what is recorded (actor, address, time), who may read it, exports, retention. */
class SecurityLogApiTest extends ApiTest {

    @Autowired
    SecurityLog securityLog;

    @Autowired
    DataSource dataSource;

    private List<JsonNode> entries(Http client, String query) {
        Response r = client.get("/api/v1/security/audit" + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().get("items").forEach(out::add);
        return out;
    }

    @Test
    void signInsTheirFailuresAndTokensAreRecordedWithActorAddressAndTime() {
        User u = identities.provision("log-ann", "log-ann-password", defaultWorkspace, Role.MEMBER, false);
        assertThat(http.anonymous()
                        .post("/api/v1/auth/login", obj("username", "log-ann", "password", "wrong-password"))
                        .status())
                .isEqualTo(401);
        Response ok =
                http.anonymous().post("/api/v1/auth/login", obj("username", "log-ann", "password", "log-ann-password"));
        Http ann = http.withToken(ok.json().get("access_token").asString());
        long token = ann.post("/api/v1/tokens", obj("name", "ci", "scopes", List.of("read")))
                .id();
        assertThat(ann.delete("/api/v1/tokens/" + token).status()).isEqualTo(204);
        assertThat(ann.post("/api/v1/auth/logout", null).status()).isEqualTo(204);

        List<JsonNode> log = entries(http, "?user_id=" + u.id());
        List<String> actions = log.stream().map(e -> e.get("action").asString()).toList();
        assertThat(actions)
                .as("newest first")
                .containsExactly("signed_out", "token_revoked", "token_created", "signed_in", "sign_in_failed");
        JsonNode failed = log.get(4);
        assertThat(failed.get("actor").isNull()).isTrue();
        assertThat(failed.get("subject").asString()).isEqualTo("log-ann");
        assertThat(failed.get("detail").get("reason").asString()).isEqualTo("password");
        assertThat(failed.get("address").asString()).isEqualTo("127.0.0.1");
        JsonNode created = log.get(2);
        assertThat(created.get("actor").asString()).isEqualTo("log-ann");
        assertThat(created.get("detail").get("token_id").asLong()).isEqualTo(token);
        assertThat(created.get("at").asString()).endsWith("Z");

        assertThat(entries(http, "?action=sign_in_failed&user_id=" + u.id())).hasSize(1);
    }

    @Test
    void roleChangesAreRecordedAndAWorkspaceAdminSeesOnlyTheirWorkspace() {
        long other = otherWorkspace("log-other");
        User bob = identities.provision("log-bob", "log-bob-password", defaultWorkspace, Role.MEMBER, false);
        identities.provision("log-elsewhere", "log-elsewhere-password", other, Role.ADMIN, false);
        assertThat(http.put("/api/v1/workspaces/" + defaultWorkspace + "/members/" + bob.id(), obj("role", "viewer"))
                        .status())
                .isEqualTo(200);
        assertThat(http.put("/api/v1/workspaces/" + other + "/two-factor", obj("required", false))
                        .status())
                .isEqualTo(200);

        Http wsAdmin = clientFor("log-wsadmin", defaultWorkspace, Role.ADMIN);
        List<JsonNode> seen = entries(wsAdmin, "?limit=500");
        assertThat(seen)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.get("workspace_id").asLong()).isEqualTo(defaultWorkspace));
        assertThat(seen.stream().map(e -> e.get("action").asString())).contains("member_role_changed");
        assertThat(wsAdmin.get("/api/v1/security/audit?workspace_id=" + other).status())
                .isEqualTo(403);
        assertThat(entries(http, "?workspace_id=" + other).stream()
                        .map(e -> e.get("action").asString()))
                .contains("workspace_two_factor_changed");

        Http member = clientFor("log-member", defaultWorkspace, Role.MEMBER);
        assertThat(member.get("/api/v1/security/audit").status()).isEqualTo(403);
        Http readAdmin = clientFor("log-readadmin", defaultWorkspace, Role.ADMIN, "read");
        assertThat(readAdmin.get("/api/v1/security/audit").status()).isEqualTo(403);
        assertThat(http.get("/api/v1/security/audit?since=yesterday").status()).isEqualTo(422);
    }

    @Test
    void theExportIsCsvWithFormulasNeutralisedOrJson() {
        User risky = identities.provision("@risky", "risky-password", defaultWorkspace, Role.MEMBER, false);
        http.anonymous().post("/api/v1/auth/login", obj("username", "@risky", "password", "wrong-password"));
        Response csv = http.get("/api/v1/security/audit/export?format=csv&action=sign_in_failed");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0])
                .isEqualTo("id,at,action,actor_user_id,actor,subject_user_id,subject,workspace_id,address,detail");
        assertThat(csv.body()).contains(",'@risky,").doesNotContain(",@risky,");
        Response json =
                http.get("/api/v1/security/audit/export?format=json&action=sign_in_failed&user_id=" + risky.id());
        assertThat(json.json()).hasSize(1);
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.json().isArray()).isTrue();
        assertThat(json.json().get(0).get("detail").get("username").asString()).isEqualTo("@risky");
        assertThat(http.get("/api/v1/security/audit/export?format=xml").status())
                .isEqualTo(422);
    }

    @Test
    void oldEntriesArePurgedByOneInstanceAtATime() throws Exception {
        jdbc.sql("insert into identity_audit (action, at) values ('old', now() - interval '400 days'),"
                        + " ('old', now() - interval '366 days'), ('recent', now() - interval '300 days')")
                .update();
        try (HeldLock other = HeldLock.hold(dataSource, SecurityLog.PURGE_LOCK)) {
            assertThat(securityLog.purge()).as("another instance is purging").isEqualTo(-1);
            assertThat(count("identity_audit where action = 'old'")).isEqualTo(2);
        }
        assertThat(securityLog.purge()).isEqualTo(2);
        assertThat(count("identity_audit where action = 'old'")).isZero();
        assertThat(count("identity_audit where action = 'recent'")).isEqualTo(1);
    }
}
