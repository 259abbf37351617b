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

    private long waitingOnALock() {
        return jdbc.sql("""
                select count(*) from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()
                """).query(Long.class).single();
    }
}
