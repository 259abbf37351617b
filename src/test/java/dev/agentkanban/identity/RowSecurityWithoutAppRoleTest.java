package dev.agentkanban.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.platform.Transactions;
import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.RowSecurity;
import dev.agentkanban.support.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The fallback of V2__identity.sql: where the migrating user may not create or grant the
 * {@code kanban_app} role, tenant transactions keep the pool's own role, the tables' owner, and
 * FORCE ROW LEVEL SECURITY must bind it. An instance on a database owned by such a plain role gets
 * the same table-by-table checks as {@link RowSecurityTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowSecurityWithoutAppRoleTest {

    TestDatabase db;
    AppInstance app;
    RowSecurity rls;
    JdbcClient truth;
    long workspaceA;
    long workspaceB;

    @BeforeAll
    void anInstanceOwningItsTables() {
        db = TestDatabase.get().ownedByPlainRole("kanban_plain");
        app = AppInstance.startOn(db, List.of());
        TestDatabase server = db.as(TestDatabase.get());
        truth = JdbcClient.create(new SimpleDriverDataSource(
                new org.postgresql.Driver(), server.jdbcUrl, server.username, server.password));
        rls = new RowSecurity(truth, app.context.getBean(JdbcClient.class), app.context.getBean(Transactions.class));
        workspaceA = app.context.getBean(Workspaces.class).defaultWorkspaceId();
        workspaceB = truth.sql("insert into workspaces (slug, name) values ('plain-b', 'B') returning id")
                .query(Long.class)
                .single();
        rls.fill(app.http.withToken(app.token("plain-ann", Role.ADMIN, "read", "write", "admin")), workspaceA);
        rls.fill(app.http.withToken(adminOf(workspaceB, "plain-bee")), workspaceB);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theMigrationCouldNotMakeTheOwnerAMemberOfTheAppRole() {
        assertThat(truth.sql("select pg_has_role(:owner, 'kanban_app', 'member')")
                        .param("owner", db.username)
                        .query(Boolean.class)
                        .single())
                .isFalse();
        assertThat(truth.sql("select rolsuper or rolbypassrls from pg_roles where rolname = :owner")
                        .param("owner", db.username)
                        .query(Boolean.class)
                        .single())
                .isFalse();
    }

    @Test
    void forcedRowSecurityConfinesTheOwnersTenantTransactionsToTheirWorkspace() {
        rls.verify(workspaceA, workspaceB, db.username);
        rls.verify(workspaceB, workspaceA, db.username);
    }

    private String adminOf(long workspace, String username) {
        Identities identities = app.context.getBean(Identities.class);
        var user = identities.provision(username, username + "-password", workspace, Role.ADMIN, false);
        return identities.issueToken(user.id(), "tests", List.of("read", "write", "admin"));
    }
}
