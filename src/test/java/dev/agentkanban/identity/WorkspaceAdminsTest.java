package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A workspace always keeps an admin, and a system admin is an admin in every workspace. */
class WorkspaceAdminsTest extends ApiTest {

    @Autowired
    DataSource dataSource;

    @Test
    void twoAdminsDemotingEachOtherAtOnceLeaveOneAdmin() throws Exception {
        long ws = otherWorkspace("two-admins");
        User a = identities.provision("admin-a", "admin-a-password", ws, Role.ADMIN, false);
        User b = identities.provision("admin-b", "admin-b-password", ws, Role.ADMIN, false);
        Http asA = http.withToken(identities.issueToken(a.id(), "tests", List.of("read", "write", "admin")));
        Http asB = http.withToken(identities.issueToken(b.id(), "tests", List.of("read", "write", "admin")));
        String members = "/api/v1/workspaces/" + ws + "/members/";

        CompletableFuture<Response> aDemotesB;
        CompletableFuture<Response> bDemotesA;
        // the test holds the workspace's row, so both changes are under way before either can finish
        try (Connection held = dataSource.getConnection()) {
            held.setAutoCommit(false);
            try (Statement st = held.createStatement()) {
                st.execute("select id from workspaces where id = " + ws + " for no key update");
            }
            aDemotesB = CompletableFuture.supplyAsync(() -> asA.put(members + b.id(), obj("role", "member")));
            bDemotesA = CompletableFuture.supplyAsync(() -> asB.put(members + a.id(), obj("role", "member")));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (waitingOnALock() < 2) {
                assertThat(Instant.now())
                        .as("both role changes wait for the workspace (they did not: they finished at once)")
                        .isBefore(deadline);
                Thread.onSpinWait();
            }
            held.rollback();
        }

        List<Integer> statuses =
                List.of(aDemotesB.get().status(), bDemotesA.get().status());
        assertThat(statuses)
                .as("one demotion goes through, the other is refused")
                .containsOnlyOnce(200);
        assertThat(statuses).containsAnyOf(403, 409);
        assertThat(jdbc.sql("select count(*) from memberships where workspace_id = :ws and role = 'admin'")
                        .param("ws", ws)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aSystemAdminWhoIsAPlainMemberOfAWorkspaceStillAdministersIt() {
        long ws = otherWorkspace("sysadmin-member");
        jdbc.sql("insert into memberships (workspace_id, user_id, role) values (:ws, :u, 'member')")
                .param("ws", ws)
                .param("u", admin.id())
                .update();
        Http inWs = http.as(
                "Authorization",
                "Bearer " + identities.issueToken(admin.id(), "tests", List.of("read", "write", "admin")),
                "X-Workspace-Id",
                Long.toString(ws));

        Response me = inWs.get("/api/v1/auth/me");
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().get("workspace").get("role").asString())
                .as(me.body())
                .isEqualTo("admin");
        Response link = http.post("/api/v1/workspaces/" + ws + "/invitation-links", obj("role", "member"));
        assertThat(link.status()).as(link.body()).isEqualTo(201);
        Response raised = http.put("/api/v1/workspaces/" + ws + "/members/" + admin.id(), obj("role", "admin"));
        assertThat(raised.status()).as(raised.body()).isEqualTo(200);
    }

    @Test
    void theDefaultWorkspaceCannotBeDeletedAndDeletingAnotherIsInTheSecurityLog() {
        User carl = identities.provision("ws-carl", "ws-carl-password", defaultWorkspace, Role.ADMIN, false);
        Http carlHttp = http.withToken(identities.issueToken(carl.id(), "t", List.of("read", "write", "admin")));
        for (Http who : List.of(carlHttp, http)) {
            Response refused = who.delete("/api/v1/workspaces/" + defaultWorkspace);
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.json().get("type").asString()).endsWith("/default-workspace");
        }
        assertThat(http.anonymous()
                        .post("/api/v1/auth/session", obj("username", "ws-newbot"))
                        .status())
                .as("named sessions still find their workspace (when enabled)")
                .isIn(200, 404);

        long doomed = otherWorkspace("ws-doomed");
        assertThat(http.delete("/api/v1/workspaces/" + doomed).status()).isEqualTo(204);
        assertThat(audit("workspace_deleted", "workspace_id", Long.toString(doomed)))
                .isEqualTo(1);
    }

    @Test
    void creatingAndDeletingUsersIsInTheSecurityLog() {
        Response created = http.post("/api/v1/users", obj("username", "ws-logged", "password", "ws-logged-password"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(audit("user_created", "username", "ws-logged")).isEqualTo(1);
        assertThat(http.delete("/api/v1/users/" + created.id()).status()).isEqualTo(204);
        assertThat(audit("user_deleted", "username", "ws-logged")).isEqualTo(1);
    }

    @Test
    void deletingTheOnlyAdminOfAWorkspaceIsRefused() {
        long ws = otherWorkspace("ws-owned");
        User owner = identities.provision("ws-owner", "ws-owner-password", ws, Role.ADMIN, false);
        identities.provision("ws-mem", "ws-mem-password", ws, Role.MEMBER, false);

        Response refused = http.delete("/api/v1/users/" + owner.id());
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).endsWith("/last-admin");
        assertThat(refused.json().get("workspace_ids").get(0).asLong()).isEqualTo(ws);
        assertThat(jdbc.sql("select count(*) from users where id = :u")
                        .param("u", owner.id())
                        .query(Long.class)
                        .single())
                .as("nothing deleted")
                .isEqualTo(1);

        identities.provision("ws-second", "ws-second-password", ws, Role.ADMIN, false);
        assertThat(http.delete("/api/v1/users/" + owner.id()).status())
                .as("with another admin it goes")
                .isEqualTo(204);
    }

    private long audit(String action, String field, String value) {
        return jdbc.sql("select count(*) from identity_audit where action = :a and detail->>:f = :v")
                .param("a", action)
                .param("f", field)
                .param("v", value)
                .query(Long.class)
                .single();
    }

    private long waitingOnALock() {
        return jdbc.sql("""
                select count(*) from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()
                """).query(Long.class).single();
    }

    /**
     * A workspace's administration refuses a member or viewer with 403 and a non-member with 404 (SPEC
     * §4) whatever the body: the role was checked in the handler, after the body's validation, so an
     * empty body answered them 422 ("name: must not be blank"), as if they might send a better one.
     */
    @Test
    void aWorkspacesAdministrationRefusesItsMembersAndHidesItFromOthersBeforeReadingTheBody() {
        long ws = otherWorkspace("administration");
        User member = identities.provision("ws-plain-member", "ws-plain-member-password", ws, Role.MEMBER, false);
        User viewer = identities.provision("ws-plain-viewer", "ws-plain-viewer-password", ws, Role.VIEWER, false);
        User outsider = identities.provision(
                "ws-outsider", "ws-outsider-password", otherWorkspace("outside"), Role.ADMIN, false);
        String base = "/api/v1/workspaces/" + ws;
        List<String[]> routes = List.of(
                new String[] {"PATCH", base},
                new String[] {"POST", base + "/members"},
                new String[] {"PUT", base + "/members/" + viewer.id()},
                new String[] {"PATCH", base + "/members/" + viewer.id()},
                new String[] {"PUT", base + "/two-factor"},
                new String[] {"POST", base + "/invitation-links"});
        for (String[] route : routes) {
            for (User who : List.of(member, viewer, outsider)) {
                Http as = http.withToken(identities.issueToken(who.id(), "tests", List.of("read", "write", "admin")));
                Response r = as.send(route[0], route[1], java.util.Map.of());
                assertThat(r.status())
                        .as("%s %s by %s with an empty body", route[0], route[1], who.username())
                        .isEqualTo(who == outsider ? 404 : 403);
            }
        }
        assertThat(jdbc.sql("select name from workspaces where id = :ws")
                        .param("ws", ws)
                        .query(String.class)
                        .single())
                .isEqualTo("administration");
        assertThat(jdbc.sql("select role from memberships where workspace_id = :ws and user_id = :u")
                        .param("ws", ws)
                        .param("u", viewer.id())
                        .query(String.class)
                        .single())
                .isEqualTo("viewer");
        assertThat(jdbc.sql("select count(*) from workspace_invitations where workspace_id = :ws")
                        .param("ws", ws)
                        .query(Long.class)
                        .single())
                .isZero();
    }
}
