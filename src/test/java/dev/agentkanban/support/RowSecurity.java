package dev.agentkanban.support;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.support.Http.Response;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Row-level security checked table by table in the database itself, not through the API (whose own
 * SQL also filters by workspace): as the application binds a request's transaction to workspace A,
 * workspace B's rows cannot be seen, changed, deleted or written into, in every table that has row
 * security. The tables come from {@code pg_class}, so a new table is covered without editing this.
 *
 * <p>{@code jdbc} must bypass row security (it counts the truth); {@code tx} is the application's own
 * {@link Transactions}, whose tenant transactions are what is checked, and {@code app} the
 * application's own JdbcClient, whose statements run in them.
 */
public final class RowSecurity {

    private final JdbcClient jdbc;
    private final JdbcClient app;
    private final Transactions tx;

    public RowSecurity(JdbcClient jdbc, JdbcClient app, Transactions tx) {
        this.jdbc = jdbc;
        this.app = app;
        this.tx = tx;
    }

    /** The tables of the public schema with row-level security enabled. */
    public List<String> protectedTables() {
        return jdbc.sql("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relrowsecurity order by c.relname
                """).query(String.class).list();
    }

    /**
     * Gives a workspace a row in every protected table, through the API of an admin of it: board and
     * columns, a tagged task with its history, a comment, evidence, a hint, a webhook with a delivery,
     * a bulk operation, a feed follower, and their outbox events.
     */
    public void fill(Http admin, long workspace) {
        long board = admin.post("/api/v1/boards", obj("name", "RLS board " + workspace))
                .id();
        String tag = jdbc.sql("select name from tags where workspace_id = :ws order by id limit 1")
                .param("ws", workspace)
                .query(String.class)
                .single();
        long task = created(admin.post(
                "/api/v1/tasks", obj("board_id", board, "title", "RLS task " + workspace, "tags", List.of(tag))));
        created(admin.post("/api/v1/tasks/" + task + "/comments", obj("body", "a comment")));
        created(admin.post("/api/v1/tasks/" + task + "/evidence", obj("kind", "note", "note", "a note")));
        created(admin.post("/api/v1/tasks/" + task + "/hints", obj("type", "stale", "message", "a hint")));
        assertThat(admin.post("/api/v1/tasks/" + task + "/checklist", obj("text", "an item"))
                        .status())
                .isEqualTo(201);
        long blocked =
                created(admin.post("/api/v1/tasks", obj("board_id", board, "title", "RLS blocked task " + workspace)));
        assertThat(admin.post("/api/v1/tasks/" + task + "/relations", obj("kind", "blocks", "task_id", blocked))
                        .status())
                .isEqualTo(201);
        // an automation rule and a run of it (issue 15)
        Response rule = admin.post(
                "/api/v1/boards/" + board + "/rules",
                obj(
                        "name",
                        "RLS rule",
                        "trigger",
                        obj("type", "tag_added", "tag", "rls-rule"),
                        "actions",
                        List.of(obj("type", "add_tag", "tag", "ruled"))));
        assertThat(rule.status()).as(rule.body()).isEqualTo(201);
        long ruled = created(admin.post(
                "/api/v1/tasks", obj("board_id", board, "title", "RLS ruled task", "tags", List.of("rls-rule"))));
        await("a run of the rule of workspace " + workspace)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() ->
                        count("select count(*) from rule_runs where status <> 'pending' and task_id = " + ruled) > 0);
        // a saved board template (issue 17)
        Response template =
                admin.post("/api/v1/boards/" + board + "/template", obj("name", "RLS template " + workspace));
        assertThat(template.status()).as(template.body()).isEqualTo(201);
        // a custom field with a value on the task (issue 17)
        Response field = admin.post("/api/v1/boards/" + board + "/fields", obj("name", "RLS field", "type", "text"));
        assertThat(field.status()).as(field.body()).isEqualTo(201);
        Response value = admin.patch("/api/v1/tasks/" + task, obj("fields", java.util.Map.of("RLS field", "a value")));
        assertThat(value.status()).as(value.body()).isEqualTo(200);
        Response view = admin.post(
                "/api/v1/boards/" + board + "/views",
                obj("name", "RLS view", "filters", java.util.Map.of("q", "rls"), "shared", true));
        assertThat(view.status()).as(view.body()).isEqualTo(201);
        // people (issue 15): an assignee (mapped from the name), a mention, the creator watching, and an
        // overdue reminder with its notification for the admin (from the system, so it is not their own)
        String me =
                admin.get("/api/v1/auth/me").json().get("user").get("username").asString();
        created(admin.post(
                "/api/v1/tasks",
                obj(
                        "board_id",
                        board,
                        "title",
                        "RLS overdue task " + workspace,
                        "assignee",
                        me,
                        "description",
                        "@" + me,
                        "due_date",
                        "2020-01-01T00:00:00Z")));
        await("an overdue notification in workspace " + workspace)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> count("select count(*) from notifications where workspace_id = " + workspace) > 0
                        && count("select count(*) from task_watchers where workspace_id = " + workspace) > 0
                        && count("select count(*) from task_mentions where workspace_id = " + workspace) > 0);
        Response bulk = admin.post("/api/v1/bulk/tasks/priority", obj("task_ids", List.of(task), "priority", "high"));
        assertThat(bulk.status()).as(bulk.body()).isEqualTo(200); // recorded in bulk_operations
        // a read position is recorded after a write only when a read replica is configured (ReplicaReads):
        // the function the service calls then
        jdbc.sql("select kanban_record_read_position(:ws, 'rls-fill')")
                .param("ws", workspace)
                .query((rs, n) -> 1)
                .single();
        // an import's progress (issue 17): a dry run leaves that row alone
        Response dryRun = admin.post(
                "/api/v1/import/trello?dry_run=true",
                obj(
                        "name",
                        "RLS Trello board",
                        "lists",
                        List.of(obj("id", "l1", "name", "To Do")),
                        "cards",
                        List.of(obj("id", "c1", "name", "a card", "idList", "l1"))),
                "X-Progress-Id",
                java.util.UUID.randomUUID().toString());
        assertThat(dryRun.status()).as(dryRun.body()).isEqualTo(200);
        Response progress = admin.put("/api/v1/events/progress", obj("cursor", 0));
        assertThat(progress.status()).as(progress.body()).isEqualTo(204);
        // nothing listens there: the delivery stays pending, which is all this needs
        created(admin.post("/api/v1/webhooks", obj("url", "http://127.0.0.1:9/hook")));
        created(admin.post("/api/v1/tasks", obj("board_id", board, "title", "an event for the webhook")));
        // the fan-out has turned the workspace's last event into a delivery: no more rows come later
        await("a webhook delivery of workspace " + workspace)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> count("select count(*) from webhook_deliveries where workspace_id = " + workspace
                                + " and event_id = (select max(id) from outbox_events where workspace_id = " + workspace
                                + ")")
                        > 0);
    }

    /** Every protected table, as workspace {@code a} against workspace {@code b}: see the class comment. */
    public void verify(long a, long b, String expectedRole) {
        List<String> tables = protectedTables();
        assertThat(tables).as("tables with row-level security").contains("tasks", "outbox_events", "webhooks");
        RequestContext asA = new RequestContext(a, "rls-check", Role.ADMIN);
        for (String table : tables) {
            long ownRows = rows(table, a);
            long foreignRows = rows(table, b);
            assertThat(ownRows)
                    .as("the fixture (RowSecurity.fill) must give workspace A a row in %s", table)
                    .isPositive();
            assertThat(foreignRows)
                    .as("the fixture (RowSecurity.fill) must give workspace B a row in %s", table)
                    .isPositive();

            assertThat(asTenant(
                            asA,
                            () -> app.sql("select current_user")
                                    .query(String.class)
                                    .single()))
                    .as("the role of a tenant transaction")
                    .isEqualTo(expectedRole);
            assertThat(asTenant(asA, () -> tenantCount("select count(*) from " + table + " where workspace_id = " + b)))
                    .as("B's rows of %s seen by A", table)
                    .isZero();
            assertThat(asTenant(asA, () -> tenantCount("select count(*) from " + table)))
                    .as("rows of %s seen by A (its own, all of them)", table)
                    .isEqualTo(ownRows);
            assertThat(asTenantWrite(asA, () -> (long)
                            app.sql("update " + table + " set workspace_id = workspace_id where workspace_id = " + b)
                                    .update()))
                    .as("B's rows of %s updated by A", table)
                    .isZero();
            assertThat(asTenantWrite(asA, () -> (long) app.sql("delete from " + table + " where workspace_id = " + b)
                            .update()))
                    .as("B's rows of %s deleted by A", table)
                    .isZero();
            assertThatThrownBy(() -> asTenantWrite(asA, () -> (long) app.sql("update " + table + " set workspace_id = "
                                    + b + " where ctid = (select ctid from " + table + " limit 1)")
                            .update()))
                    .as("A moving a row of %s into B", table)
                    .rootCause()
                    .hasMessageContaining("violates row-level security policy");
            assertThat(rows(table, b)).as("B's rows of %s afterwards", table).isEqualTo(foreignRows);
            assertThat(rows(table, a)).as("A's rows of %s afterwards", table).isEqualTo(ownRows);
        }
    }

    /** How many rows of a workspace a table holds, seen past row security. */
    public long rows(String table, long workspace) {
        return count("select count(*) from " + table + " where workspace_id = " + workspace);
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private long tenantCount(String sql) {
        return app.sql(sql).query(Long.class).single();
    }

    private <T> T asTenant(RequestContext ctx, Supplier<T> work) {
        return CurrentRequest.runAs(ctx, () -> tx.read(work));
    }

    private <T> T asTenantWrite(RequestContext ctx, Supplier<T> work) {
        return CurrentRequest.runAs(ctx, () -> tx.write(work));
    }

    private static long created(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.id();
    }
}
