package dev.agentkanban.transfer;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A guard rail for backups: every table of the schema is either carried by the workspace JSON document
 * (export, then restore into an empty workspace, gives the same rows) or listed here as deliberately
 * left out, with the reason. A new table that is neither fails the build, so it cannot be silently lost
 * from a backup.
 */
class ExportCoverageTest extends ApiTest {

    /** Tables the document carries; those holding {@code workspace_id} must come back row for row. */
    static final Set<String> CARRIED = Set.of(
            "workspaces",
            "boards",
            "board_columns",
            "tasks",
            "tags",
            "task_tags",
            "comments",
            "evidence",
            "task_history",
            "task_relations",
            "checklist_items",
            "rules",
            "custom_fields",
            // derived: the counters the triggers keep per column, rebuilt by the restore's inserts
            "task_counts");

    private static final String FLOW_FIGURES =
            "flow analytics kept from the history, which the restore carries: its trigger recomputes them";

    /** Tables deliberately not in the document, and why (docs/import-export.md says the same). */
    static final Map<String, String> LEFT_OUT = Map.ofEntries(
            Map.entry("users", "people are per server; authors and actors are kept as names"),
            Map.entry("memberships", "who may use the target workspace is the target's decision"),
            Map.entry("api_tokens", "credentials never leave the server"),
            Map.entry("workspace_invitations", "who may join the target workspace is the target's decision"),
            Map.entry("identity_audit", "the audit of account administration is the server's, not the workspace's"),
            Map.entry("revoked_sessions", "credentials never leave the server"),
            Map.entry("user_sessions", "credentials never leave the server"),
            Map.entry("user_two_factor", "credentials never leave the server"),
            Map.entry("user_recovery_codes", "credentials never leave the server"),
            Map.entry("oidc_requests", "sign-ins in progress, minutes long, bound to one browser"),
            Map.entry("oidc_handoffs", "credentials never leave the server"),
            Map.entry("outbox_events", "the change feed is per server; the restore announces itself with new events"),
            Map.entry("outbox_retention", "the change feed's bookkeeping"),
            Map.entry("feed_followers", "consumers' cursors into this server's change feed"),
            Map.entry(
                    "bulk_operations", "a log of this server's bulk requests; each task's changes are in its history"),
            Map.entry("webhooks", "subscriptions hold signing secrets and targets; re-create them on the new server"),
            Map.entry("webhook_deliveries", "delivery log of this server's webhooks"),
            Map.entry("webhook_cursor", "delivery log of this server's webhooks"),
            Map.entry("idempotency_keys", "stored responses kept for 24 hours, meaningless elsewhere"),
            Map.entry(
                    "read_positions", "where each caller's writes reached in this server's WAL, for its read replica"),
            Map.entry("hints", "the worker's suggestions; it proposes them again from the restored tasks"),
            Map.entry(
                    "board_templates",
                    "blueprints for new boards, not work: save a restored board as a template again (docs/templates.md)"),
            Map.entry("saved_views", "people's saved filters belong to accounts, and accounts are per server"),
            Map.entry("flow_tasks", FLOW_FIGURES),
            Map.entry("flow_spans", FLOW_FIGURES),
            Map.entry("flow_counts", FLOW_FIGURES),
            Map.entry("flow_counts_daily", FLOW_FIGURES),
            Map.entry("rule_runs", "the run log of this server's automation rules (which events it applied them to)"),
            Map.entry("rule_cursor", "how far this server's rule engine has followed its change feed"),
            Map.entry("flyway_schema_history", "the schema's own migration record"),
            Map.entry(
                    "task_assignees",
                    "people are per server; the task's assignee name travels and maps to a member of the target"),
            Map.entry("task_watchers", "people are per server; watching starts again on the target"),
            Map.entry("task_mentions", "which mentions were notified on this server"),
            Map.entry("notifications", "each person's inbox on this server"),
            Map.entry("notification_cursor", "how far this server's notification fan-out has read its change feed"),
            Map.entry("task_reminders", "which reminders this server has sent"),
            Map.entry("notification_preferences", "people are per server; each sets their own preferences"),
            Map.entry("email_outbox", "this server's notification mails, sent or waiting"),
            Map.entry("import_progress", "how far this server's imports got, kept for a day"),
            Map.entry("service_secrets", "this server's session signing key (V83): a secret, never exported"));

    @Test
    void everyTableIsCarriedByTheExportOrDeliberatelyLeftOut() {
        Set<String> tables = new TreeSet<>(jdbc.sql("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
                """).query(String.class).list());
        Set<String> accounted = new TreeSet<>(CARRIED);
        accounted.addAll(LEFT_OUT.keySet());

        assertThat(tables)
                .as("tables neither carried by the JSON export nor listed as left out")
                .isSubsetOf(accounted);
        assertThat(accounted).as("listed tables that no longer exist").isSubsetOf(tables);
    }

    @Test
    void carriedTablesComeBackRowForRowAfterExportAndRestore() {
        long source = otherWorkspace("coverage-source");
        Http owner = clientFor("coverage-owner", source, Role.ADMIN);
        long board = owner.post("/api/v1/boards", obj("name", "Everything")).id();
        long task = owner.post(
                        "/api/v1/tasks", obj("board_id", board, "title", "Carried", "tags", List.of("bug", "custom")))
                .id();
        owner.post("/api/v1/tasks/" + task + "/comments", obj("body", "a comment"));
        owner.post("/api/v1/tasks/" + task + "/evidence", obj("kind", "note", "note", "seen"));
        assertThat(TransferFixtures.upload(
                                owner,
                                "/api/v1/tasks/" + task + "/evidence",
                                "a.txt",
                                "text/plain",
                                "file".getBytes(StandardCharsets.UTF_8))
                        .status())
                .isEqualTo(201);
        owner.post("/api/v1/tasks/" + task + "/checklist", obj("text", "an item"));
        long done = owner.get("/api/v1/boards/" + board + "/columns")
                .json()
                .get(3)
                .get("id")
                .asLong();
        Response rule = owner.post(
                "/api/v1/boards/" + board + "/rules",
                obj(
                        "name",
                        "Carried rule",
                        "trigger",
                        obj("type", "task_moved", "column_id", done),
                        "actions",
                        List.of(obj("type", "add_tag", "tag", "shipped"))));
        assertThat(rule.status()).as(rule.body()).isEqualTo(201);
        assertThat(owner.post("/api/v1/boards/" + board + "/fields", obj("name", "Points", "type", "number"))
                        .status())
                .isEqualTo(201);
        assertThat(owner.patch("/api/v1/tasks/" + task, obj("fields", Map.of("Points", 3)))
                        .status())
                .isEqualTo(200);
        long next = owner.post("/api/v1/tasks", obj("board_id", board, "title", "Waits for it"))
                .id();
        assertThat(owner.post("/api/v1/tasks/" + task + "/relations", obj("kind", "blocks", "task_id", next))
                        .status())
                .isEqualTo(201);
        owner.post("/api/v1/tasks/" + task + "/move", obj("column", "In Progress"));
        long gone = owner.post("/api/v1/tasks", obj("board_id", board, "title", "Deleted"))
                .id();
        owner.delete("/api/v1/tasks/" + gone);

        Response export = owner.get("/api/v1/export/json");
        assertThat(export.status()).as(export.body()).isEqualTo(200);
        long target = otherWorkspace("coverage-target");
        Http restorer = clientFor("coverage-restorer", target, Role.ADMIN);
        Response restored = TransferFixtures.send(
                restorer,
                "POST",
                "/api/v1/import/json",
                "application/json",
                export.body().getBytes(StandardCharsets.UTF_8));
        assertThat(restored.status()).as(restored.body()).isIn(200, 201);

        // a restored rule names the target board's column, not the source's
        assertThat(jdbc.sql("""
                        select c.workspace_id from rules r join board_columns c on c.id = (r.trigger->>'column_id')::bigint
                        where r.workspace_id = :ws
                        """).param("ws", target).query(Long.class).single()).isEqualTo(target);

        for (String table : CARRIED) {
            if (!hasWorkspaceColumn(table)) {
                continue;
            }
            long before = rows(table, source);
            assertThat(before).as("the fixture leaves rows in %s", table).isPositive();
            assertThat(rows(table, target))
                    .as("rows of %s after export and restore", table)
                    .isEqualTo(before);
        }
    }

    private boolean hasWorkspaceColumn(String table) {
        return jdbc.sql("""
                select exists (select 1 from information_schema.columns
                               where table_schema = current_schema() and table_name = :t and column_name = 'workspace_id')
                """).param("t", table).query(Boolean.class).single();
    }

    private long rows(String table, long workspace) {
        // table names come from the constant above, never from input
        return jdbc.sql("select count(*) from " + table + " where workspace_id = :ws")
                .param("ws", workspace)
                .query(Long.class)
                .single();
    }
}
