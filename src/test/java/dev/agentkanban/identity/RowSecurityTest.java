package dev.agentkanban.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.platform.Transactions;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.RowSecurity;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Row-level security in the database, table by table (see {@link RowSecurity}), as the application
 * runs it here: tenant transactions switch to the {@code kanban_app} role. The same checks without
 * that role are in {@link RowSecurityWithoutAppRoleTest}.
 */
class RowSecurityTest extends ApiTest {

    @Autowired
    Transactions tx;

    RowSecurity rls;
    long workspaceB;

    @BeforeAll
    void twoFilledWorkspaces() {
        rls = new RowSecurity(jdbc, jdbc, tx);
        workspaceB = otherWorkspace("rls-b");
        rls.fill(clientFor("rls-ann", defaultWorkspace, Role.ADMIN), defaultWorkspace);
        rls.fill(clientFor("rls-bee", workspaceB, Role.ADMIN), workspaceB);
    }

    @Test
    void aTenantTransactionNeitherSeesNorChangesAnotherWorkspacesRowsInAnyProtectedTable() {
        rls.verify(defaultWorkspace, workspaceB, "kanban_app");
        rls.verify(workspaceB, defaultWorkspace, "kanban_app");
    }

    /**
     * A function that runs with its owner's rights resolves names through a path of its own ending in
     * pg_temp, so that no object a caller's path finds first (a temporary one above all) stands in for
     * what it means.
     */
    @Test
    void everySecurityDefinerFunctionPinsItsSearchPath() {
        List<String> definers = jdbc.sql("""
                select p.proname || ' ' || coalesce(array_to_string(p.proconfig, ','), '') from pg_proc p
                where p.prosecdef and p.pronamespace = current_schema()::regnamespace order by 1
                """).query(String.class).list();
        assertThat(definers)
                .as("security definer functions and their settings")
                .isNotEmpty()
                .allSatisfy(f -> assertThat(f).matches("\\S+ (.*,)?search_path=\\S+, pg_temp(,.*)?"));
    }

    /**
     * The system policies (kanban.system: the dispatchers and the retention job read across
     * workspaces) are out of a tenant transaction's reach: it does not carry the mark, and even one
     * that sets it stays confined to its workspace.
     */
    @Test
    void aTenantTransactionCannotReachTheSystemPolicies() {
        List<String> tables = jdbc.sql("""
                select distinct tablename from pg_policies
                where schemaname = 'public' and coalesce(qual, '') || coalesce(with_check, '') ~ 'kanban[._]system' order by 1
                """).query(String.class).list();
        assertThat(tables)
                .as("tables with a system policy")
                .contains("outbox_events", "webhooks", "webhook_deliveries");
        RequestContext asA = new RequestContext(defaultWorkspace, "rls-check", Role.ADMIN);
        String mark = CurrentRequest.runAs(
                asA,
                () -> tx.read(() -> jdbc.sql("select coalesce(current_setting('kanban.system', true), '')")
                        .query(String.class)
                        .single()));
        assertThat(mark).as("kanban.system in a tenant transaction").isNotEqualTo("on");
        for (String table : tables) {
            long foreign = rls.rows(table, workspaceB);
            assertThat(foreign).as("B's rows in %s", table).isPositive();
            long seen = CurrentRequest.runAs(
                    asA,
                    () -> tx.write(() -> {
                        jdbc.sql("select set_config('kanban.system', 'on', true)")
                                .query(String.class)
                                .single();
                        long visible = jdbc.sql("select count(*) from " + table + " where workspace_id = " + workspaceB)
                                .query(Long.class)
                                .single();
                        long deleted = jdbc.sql("delete from " + table + " where workspace_id = " + workspaceB)
                                .update();
                        return visible + deleted;
                    }));
            assertThat(seen)
                    .as("B's rows of %s seen or deleted by A's transaction claiming to be system work", table)
                    .isZero();
            assertThat(rls.rows(table, workspaceB)).isEqualTo(foreign);
        }
    }

    /**
     * Guard rail: every table that holds a workspace's rows (a {@code workspace_id} column) has row
     * security enabled, forced (so that it binds the tables' owner too, the fallback without the
     * {@code kanban_app} role) and a policy that confines it to the transaction's workspace. The two
     * exceptions are read outside any workspace on purpose.
     */
    @Test
    void everyTableWithAWorkspaceIdHasForcedRowSecurityAndAWorkspacePolicy() {
        List<String> exempt = List.of(
                // who belongs where: read to authenticate, before a request has a workspace
                "memberships",
                // the idempotency filter runs before and around the request's transaction; the key is
                // (workspace, actor, key), so one workspace's keys never answer another's request
                "idempotency_keys",
                // identity administration: invitations are listed by the invited username across
                // workspaces, and the audit of account changes is system-wide (its workspace may be null)
                "workspace_invitations",
                "identity_audit");
        List<String> holding = jdbc.sql("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                join pg_attribute a on a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped
                where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname
                """).query(String.class).list();
        assertThat(holding).contains("tasks", "boards").containsAll(exempt);
        List<String> unprotected = jdbc.sql("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                join pg_attribute a on a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped
                where n.nspname = 'public' and c.relkind in ('r', 'p')
                  and not (c.relrowsecurity and c.relforcerowsecurity and exists (
                      select 1 from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname
                        and p.cmd = 'ALL' and p.qual = '(workspace_id = kanban_workspace())'
                        and p.with_check = '(workspace_id = kanban_workspace())'))
                order by c.relname
                """).query(String.class).list();
        assertThat(unprotected)
                .as("tables with a workspace_id but no forced row security and workspace policy")
                .containsExactlyInAnyOrderElementsOf(exempt);
    }
}
