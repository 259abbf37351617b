package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.RouteRules.Rule;
import dev.agentkanban.identity.RouteRules.Scope;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The authorization matrix, generated from the application's own route list: every API route ×
 * (no credential, and a read, write and admin token of a viewer, an agent, a member, a workspace admin
 * and a system admin of workspace A), each request naming workspace B's real ids (a board, task,
 * comment, webhook, delivery, user, token, ...). The expected answer of each cell is worked out from
 * the route's declared rule ({@link RouteRules}): 401 without a credential, 403 when the scope or role
 * falls short, 404 for B's ids (workspace B's own id included), else allowed. Every refused cell
 * must leave every table of the schema unchanged. A route without a rule fails here.
 */
class AuthorizationMatrixTest extends ApiTest {

    private static final Pattern VARIABLE = Pattern.compile("/([a-z_-]+)/\\{([A-Za-z]+)}");

    enum Cred {
        NONE(List.of()),
        READ(List.of("read")),
        WRITE(List.of("read", "write")),
        ADMIN(List.of("read", "write", "admin"));

        final List<String> scopes;

        Cred(List<String> scopes) {
            this.scopes = scopes;
        }

        Role cap() {
            return this == ADMIN ? Role.ADMIN : this == WRITE ? Role.MEMBER : Role.VIEWER;
        }
    }

    /** A caller of workspace A: their role there, and whether they are a system admin. */
    record Who(String name, Role role, boolean system) {}

    static final List<Who> WHO = List.of(
            new Who("viewer", Role.VIEWER, false),
            new Who("agent", Role.AGENT, false),
            new Who("member", Role.MEMBER, false),
            new Who("ws-admin", Role.ADMIN, false),
            new Who("sys-admin", Role.ADMIN, true));

    /** Bodies valid enough that validation does not answer before the authorization check. */
    private static final Map<String, Object> BODIES = Map.ofEntries(
            Map.entry("POST /api/v1/tasks/{id}/move", obj("column", "Done")),
            Map.entry("POST /api/v1/tickets/{id}/move", obj("column", "Done")),
            Map.entry("PUT /api/v1/tickets/{id}", obj("title", "x")),
            Map.entry("POST /api/v1/boards/{id}/template", obj("name", "from the matrix")),
            Map.entry("POST /api/v1/boards/{id}/fields", obj("name", "from the matrix", "type", "text")),
            Map.entry("POST /api/v1/boards/{id}/views", obj("name", "from the matrix", "filters", Map.of("q", "x"))),
            Map.entry("POST /api/v1/tasks/{id}/cancel", obj("reason", "x")),
            Map.entry("POST /api/v1/tasks/{taskId}/comments", obj("body", "x")),
            Map.entry("PATCH /api/v1/comments/{id}", obj("body", "x")),
            Map.entry("PUT /api/v1/comments/{id}", obj("body", "x")),
            Map.entry("POST /api/v1/tasks/{taskId}/tags", obj("name", "bug")),
            Map.entry("PUT /api/v1/tasks/{taskId}/tags", obj("names", List.of("bug"))),
            Map.entry("POST /api/v1/tasks/{taskId}/hints", obj("type", "stale", "message", "x")),
            Map.entry("POST /api/v1/tasks/{taskId}/evidence", obj("kind", "note", "note", "x")),
            Map.entry("POST /api/v1/tasks/{id}/checklist", obj("text", "x")),
            Map.entry(
                    "POST /api/v1/boards/{id}/rules",
                    obj(
                            "name",
                            "from the matrix",
                            "trigger",
                            obj("type", "task_created"),
                            "actions",
                            List.of(obj("type", "comment", "body", "x")))),
            Map.entry("PATCH /api/v1/boards/{id}/rules/{ruleId}", obj("enabled", false)),
            Map.entry("POST /api/v1/tasks/{id}/assignees", obj("username", "me")),
            Map.entry("PUT /api/v1/tasks/{id}/assignees", obj("assignees", List.of("me"))),
            Map.entry("PATCH /api/v1/tags/{id}", obj("name", "renamed")),
            Map.entry("PUT /api/v1/boards/{id}", obj("name", "x")),
            Map.entry("PATCH /api/v1/boards/{id}", obj("name", "x")),
            Map.entry("PUT /api/v1/boards/{id}/columns", obj("columns", List.of(obj("name", "A")))),
            Map.entry("POST /api/v1/boards/{id}/columns", obj("name", "New")),
            Map.entry("PATCH /api/v1/boards/{id}/columns/{columnId}", obj("name", "x")),
            Map.entry("PATCH /api/v1/tasks/{id}", obj("title", "x")),
            Map.entry("PUT /api/v1/tasks/{id}", obj("title", "x")),
            Map.entry("PATCH /api/v1/webhooks/{id}", obj("active", false)),
            Map.entry("PATCH /api/v1/workspaces/{id}", obj("name", "renamed by a system admin")),
            Map.entry("POST /api/v1/workspaces/{id}/members", obj("username", "tester", "role", "viewer")),
            Map.entry("PUT /api/v1/workspaces/{id}/members/{userId}", obj("role", "viewer")),
            Map.entry("PATCH /api/v1/workspaces/{id}/members/{userId}", obj("role", "viewer")),
            Map.entry("PATCH /api/v1/users/{id}", obj("display_name", "renamed by a system admin")),
            Map.entry("PUT /api/v1/workspaces/{id}/two-factor", obj("required", false)),
            Map.entry("POST /api/v1/workspaces/{id}/invitation-links", obj("role", "member")),
            Map.entry("POST /api/v1/invitations/link/info", obj("token", "inv_unknown")),
            Map.entry("POST /api/v1/invitations/link/accept", obj("token", "inv_unknown")),
            Map.entry(
                    "POST /api/v1/invitations/link/redeem",
                    obj("token", "inv_unknown", "username", "nobody-new", "password", "long-enough-password")),
            Map.entry("POST /api/v1/auth/two-factor/confirm", obj("code", "123456")),
            Map.entry("POST /api/v1/auth/sso/exchange", obj("code", "sso_unknown")),
            Map.entry("POST /api/v1/auth/two-factor/disable", obj("code", "123456")));

    /** Bodies of routes that take no JSON: content type and text. */
    private static final Map<String, String[]> TEXT_BODIES = Map.of(
            "POST /api/v1/import/todo-md", new String[] {"text/plain", "## To Do\n- [ ] from the matrix\n"},
            "POST /api/v1/import/csv", new String[] {"text/csv", "title\nfrom the matrix\n"});

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    record Route(String method, String pattern) {
        String key() {
            return method + " " + pattern;
        }
    }

    /** Workspace B's ids, by kind. */
    final Map<String, Long> ids = new TreeMap<>();

    /** Workspace B's ids that are not numbers (an import's progress id is a UUID its client chose), by kind. */
    final Map<String, String> textIds = new TreeMap<>();

    final Map<Who, Map<Cred, Http>> clients = new LinkedHashMap<>();
    final Map<Who, Long> userIds = new LinkedHashMap<>();
    HttpServer receiver;
    String snapshotSql;

    @BeforeAll
    void data() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();

        long b = otherWorkspace("elsewhere");
        User bAdmin = identities.provision("b-admin", "b-admin-password", b, Role.ADMIN, false);
        Http inB = http.withToken(identities.issueToken(bAdmin.id(), "b", List.of("read", "write", "admin")));
        long webhook = inB.post(
                        "/api/v1/webhooks",
                        obj("url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"))
                .id();
        ids.put("webhook", webhook);
        long board = inB.post("/api/v1/boards", obj("name", "B's board")).id();
        ids.put("board", board);
        ids.put(
                "column",
                inB.get("/api/v1/boards/" + board + "/columns")
                        .json()
                        .get(0)
                        .get("id")
                        .asLong());
        long task = inB.post("/api/v1/tasks", obj("board_id", board, "title", "B's task", "tags", List.of("bug")))
                .id();
        ids.put("task", task);
        ids.put("ticket", task); // seed 002's /tickets/{id}
        ids.put(
                "comment",
                inB.post("/api/v1/tasks/" + task + "/comments", obj("body", "c"))
                        .id());
        ids.put(
                "evidence",
                inB.post("/api/v1/tasks/" + task + "/evidence", obj("kind", "note", "note", "n"))
                        .id());
        ids.put(
                "hint",
                inB.post("/api/v1/tasks/" + task + "/hints", obj("type", "stale", "message", "m"))
                        .id());
        ids.put(
                "item",
                inB.post("/api/v1/tasks/" + task + "/checklist", obj("text", "an item"))
                        .json()
                        .get("item")
                        .get("id")
                        .asLong());
        ids.put(
                "tag",
                jdbc.sql("select id from tags where name = 'bug' and workspace_id = :ws")
                        .param("ws", b)
                        .query(Long.class)
                        .single());
        // archive and trash, templates (issue 17): a task of B in the trash, a template B saved
        long trashed = inB.post("/api/v1/tasks", obj("board_id", board, "title", "B's deleted task"))
                .id();
        assertThat(inB.delete("/api/v1/tasks/" + trashed).status()).isEqualTo(204);
        ids.put("trash", trashed);
        ids.put(
                "template",
                Long.parseLong(inB.post("/api/v1/boards/" + board + "/template", obj("name", "B's template"))
                        .json()
                        .get("id")
                        .asString()));
        // an automation rule of B's board (issue 15)
        ids.put(
                "rule",
                inB.post(
                                "/api/v1/boards/" + board + "/rules",
                                obj(
                                        "name",
                                        "B's rule",
                                        "trigger",
                                        obj("type", "due_date_passed"),
                                        "actions",
                                        List.of(obj("type", "comment", "body", "late"))))
                        .id());
        ids.put(
                "field",
                inB.post("/api/v1/boards/" + board + "/fields", obj("name", "B's field", "type", "text"))
                        .id());
        ids.put(
                "view",
                inB.post(
                                "/api/v1/boards/" + board + "/views",
                                obj("name", "B's view", "filters", Map.of("priority", "high"), "shared", true))
                        .id());
        ids.put("user", bAdmin.id());
        ids.put(
                "token",
                inB.post("/api/v1/tokens", obj("name", "b-token", "scopes", List.of("read")))
                        .id());
        ids.put("workspace", b);
        assertThat(inB.post("/api/v1/workspaces/" + b + "/members", obj("username", "not-yet-a-user", "role", "member"))
                        .status())
                .isEqualTo(202);
        ids.put(
                "invitation",
                jdbc.sql("select id from workspace_invitations where workspace_id = :ws")
                        .param("ws", b)
                        .query(Long.class)
                        .single());
        ids.put("delivery", deliveredDelivery(webhook));
        // the progress of an import B's admin ran (issue 17)
        String progress = java.util.UUID.randomUUID().toString();
        jdbc.sql("""
                        insert into import_progress (id, workspace_id, started_by, format, dry_run, unit, done, total)
                        values (cast(:id as uuid), :ws, 'b-admin', 'trello', false, 'cards', 3, 10)
                        """).param("id", progress).param("ws", b).update();
        textIds.put("progress", progress);
        assertThat(http.anonymous()
                        .post("/api/v1/auth/login", obj("username", "b-admin", "password", "b-admin-password"))
                        .status())
                .isEqualTo(200);
        ids.put(
                "session",
                jdbc.sql("select id from user_sessions where user_id = :u")
                        .param("u", bAdmin.id())
                        .query(Long.class)
                        .single());
        // a notification of B's admin (issue 15), written directly: the fan-out would only add a wait
        ids.put(
                "notification",
                jdbc.sql("""
                                insert into notifications (workspace_id, user_id, event_id, kind, task_id, actor, title)
                                values (:ws, :u, 1, 'mentioned', :t, 'b-admin', 'B''s task') returning id
                                """)
                        .param("ws", b)
                        .param("u", bAdmin.id())
                        .param("t", task)
                        .query(Long.class)
                        .single());

        for (Who who : WHO) {
            User user = identities.provision(
                    "matrix-" + who.name(), who.name() + "-password", defaultWorkspace, who.role(), who.system());
            userIds.put(who, user.id());
            Map<Cred, Http> byCred = new EnumMap<>(Cred.class);
            for (Cred cred : Cred.values()) {
                byCred.put(
                        cred,
                        cred == Cred.NONE
                                ? http.anonymous()
                                : http.withToken(identities.issueToken(user.id(), "matrix-" + cred, cred.scopes)));
            }
            clients.put(who, byCred);
        }
        snapshotSql = snapshotQuery();
    }

    @AfterAll
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    /** The id of one of the webhook's deliveries, once it was delivered (so that nothing changes it afterwards). */
    private long deliveredDelivery(long webhook) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            var ids = jdbc.sql(
                            "select id from webhook_deliveries where webhook_id = :w and status = 'delivered' order by id")
                    .param("w", webhook)
                    .query(Long.class)
                    .list();
            long pending = jdbc.sql(
                            "select count(*) from webhook_deliveries where webhook_id = :w and status <> 'delivered'")
                    .param("w", webhook)
                    .query(Long.class)
                    .single();
            if (!ids.isEmpty() && pending == 0) {
                return ids.get(0);
            }
            Thread.sleep(50); // polling with a deadline
        }
        throw new AssertionError("no delivery of webhook " + webhook + " was delivered within 30 s");
    }

    /** Every API route the application registered, public ones included. */
    List<Route> routes() {
        Set<Route> routes = new LinkedHashSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String p : info.getPatternValues()) {
                if (!p.startsWith("/api/")) {
                    continue;
                }
                for (RequestMethod m : methods.isEmpty() ? Set.of(RequestMethod.values()) : methods) {
                    routes.add(new Route(m.name(), p));
                }
            }
        });
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparing(Route::key));
        assertThat(sorted).hasSizeGreaterThan(100);
        return sorted;
    }

    @Test
    void everyRouteDeclaresItsRuleAndEveryRuleNamesARoute() {
        Set<String> registered = new TreeSet<>(routes().stream().map(Route::key).toList());
        Set<String> undeclared = new TreeSet<>(registered);
        undeclared.removeAll(RouteRules.all().keySet());
        Set<String> stale = new TreeSet<>(RouteRules.all().keySet());
        stale.removeAll(registered);
        assertThat(undeclared).as("routes without an access rule in RouteRules").isEmpty();
        assertThat(stale).as("rules for routes that do not exist").isEmpty();
    }

    @Test
    void everyRouteAnswersEveryCallerAsItsRuleSays() {
        List<String> wrong = new ArrayList<>();
        int cells = 0;
        Map<Integer, Integer> byExpected = new TreeMap<>();
        List<Route> routes = routes();
        for (Route r : routes) {
            Rule rule = RouteRules.of(r.method(), r.pattern())
                    .orElseThrow(() -> new AssertionError("no rule for " + r.key()));
            wrong.addAll(check(r, rule, null, Cred.NONE));
            byExpected.merge(expected(r, rule, null, Cred.NONE), 1, Integer::sum);
            cells++;
            for (Who who : WHO) {
                for (Cred cred : List.of(Cred.READ, Cred.WRITE, Cred.ADMIN)) {
                    wrong.addAll(check(r, rule, who, cred));
                    cells++;
                    byExpected.merge(expected(r, rule, who, cred), 1, Integer::sum);
                }
            }
        }
        System.out.printf(
                "authorization matrix: %d routes x (no credential + %d callers x 3 credentials) = %d cells;"
                        + " expected (0 = allowed): %s; every refused cell left the database unchanged%n",
                routes.size(), WHO.size(), cells, byExpected);
        assertThat(cells).isEqualTo(routes.size() * (1 + WHO.size() * 3));
        assertThat(wrong).isEmpty();
    }

    @Test
    void headFollowsTheRuleOfGetAndOptionsListsTheMethods() {
        Http viewerRead = clients.get(WHO.get(0)).get(Cred.READ);
        assertThat(viewerRead.send("HEAD", "/api/v1/boards", null).status()).isEqualTo(200);
        assertThat(viewerRead.send("HEAD", "/api/v1/webhooks", null).status()).isEqualTo(403);
        assertThat(http.anonymous().send("HEAD", "/api/v1/boards", null).status())
                .isEqualTo(401);
        Response options = viewerRead.send("OPTIONS", "/api/v1/boards", null);
        assertThat(options.status()).isEqualTo(200);
        assertThat(options.header("Allow"))
                .hasValueSatisfying(allow -> assertThat(allow).contains("GET", "POST"));
    }

    private static final int ALLOWED = 0;

    /** The expected status of a cell, from the route's rule (ALLOWED: anything but 401, 403 and 5xx). */
    private int expected(Route r, Rule rule, Who who, Cred cred) {
        if (rule.scope() == Scope.PUBLIC) {
            return ALLOWED;
        }
        if (who == null || cred == Cred.NONE) {
            return 401;
        }
        boolean granted = switch (rule.scope()) {
            case PUBLIC, READ -> true;
            case WRITE -> cred != Cred.READ;
            case ADMIN -> cred == Cred.ADMIN;
        };
        if (!granted) {
            return 403;
        }
        if (RouteRules.signedInOnly(r.method(), r.pattern())) {
            return 403; // every caller here holds an API token
        }
        Role role = Role.lower(who.role(), cred.cap());
        boolean ids = r.pattern().contains("{");
        return switch (rule.on()) {
            case NOTHING -> ALLOWED;
            case WORKSPACE -> !role.atLeast(rule.role()) ? 403 : ids ? 404 : ALLOWED;
            // another workspace is 404 as if missing (SPEC §4); a system admin reaches it with their scope
            case NAMED_WORKSPACE ->
                !who.system() ? 404 : Role.lower(Role.ADMIN, cred.cap()).atLeast(rule.role()) ? ALLOWED : 403;
            case USERS -> !(who.system() || role.atLeast(rule.role())) ? 403 : !ids || who.system() ? ALLOWED : 404;
            case SELF -> {
                if (!ids) {
                    yield ALLOWED;
                }
                // another workspace's user, token or invitation: only a system admin reaches users,
                // and tokens with an admin-scoped credential; an invitation is its invitee's alone
                boolean reaches = who.system()
                        && !r.pattern().startsWith("/api/v1/invitations")
                        && (!r.pattern().startsWith("/api/v1/tokens") || cred == Cred.ADMIN);
                yield reaches ? ALLOWED : 404;
            }
        };
    }

    private List<String> check(Route r, Rule rule, Who who, Cred cred) {
        int expected = expected(r, rule, who, cred);
        Http client = who == null ? http.anonymous() : clients.get(who).get(cred);
        Map<String, Long> target = new TreeMap<>(ids);
        if (expected == ALLOWED && who != null) {
            sacrifice(r, target);
            if (r.key().equals("POST /api/v1/auth/logout")) {
                client = http.withToken(identities.issueToken(userIds.get(who), "logout", cred.scopes));
            }
        }
        if (expected != ALLOWED) {
            fanOutSettled();
        }
        Map<String, String> before = expected == ALLOWED ? null : snapshot();
        Response res = send(client, r, path(r.pattern(), target));
        String cell = r.key() + " as " + (who == null ? "anonymous" : who.name()) + "/" + cred;
        List<String> wrong = new ArrayList<>();
        if (res.status() >= 500) {
            wrong.add(cell + " -> " + res.status() + " " + res.body());
        } else if (expected == ALLOWED ? res.status() == 401 || res.status() == 403 : res.status() != expected) {
            wrong.add(cell + " -> " + res.status() + " (expected " + (expected == ALLOWED ? "allowed" : expected) + ") "
                    + res.body());
        }
        if (before != null) {
            Map<String, String> after = snapshot();
            if (!after.equals(before)) {
                Set<String> changed = new TreeSet<>();
                before.forEach((table, sum) -> {
                    if (!sum.equals(after.get(table))) {
                        changed.add(table);
                    }
                });
                wrong.add(cell + " -> " + res.status() + " but changed " + changed);
            }
        }
        return wrong;
    }

    /**
     * The notification fan-out has read every event written so far: what it writes (watchers, its
     * cursor) comes from earlier cells' events, not from the refused request the snapshot checks.
     */
    private void fanOutSettled() {
        org.awaitility.Awaitility.await("the notification fan-out to catch up")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> jdbc.sql("select coalesce((select position from notification_cursor), 0)"
                                + " >= coalesce((select max(id) from outbox_events), 0)")
                        .query(Boolean.class)
                        .single());
    }

    /**
     * Cells that a system admin may really carry out on workspace B and that would destroy the fixture
     * (deleting the workspace or a user) act on a throwaway workspace or user instead.
     */
    private void sacrifice(Route r, Map<String, Long> target) {
        Map<String, LongSupplier> throwaway = Map.of(
                "DELETE /api/v1/workspaces/{id}", () -> otherWorkspace("throwaway-" + System.nanoTime()),
                "DELETE /api/v1/users/{id}",
                        () -> identities
                                .provision(
                                        "throwaway-" + System.nanoTime(),
                                        "throwaway-password",
                                        ids.get("workspace"),
                                        Role.MEMBER,
                                        false)
                                .id());
        LongSupplier make = throwaway.get(r.key());
        if (make != null) {
            target.put(r.key().contains("workspaces") ? "workspace" : "user", make.getAsLong());
        }
    }

    private Response send(Http client, Route r, String path) {
        String[] text = TEXT_BODIES.get(r.key());
        if (text != null) {
            return client.execute(HttpRequest.newBuilder(URI.create(client.base() + path))
                    .header("Content-Type", text[0])
                    .method(r.method(), HttpRequest.BodyPublishers.ofString(text[1]))
                    .build());
        }
        Object body = BODIES.get(r.key());
        if (body == null && !r.method().equals("GET") && !r.method().equals("DELETE")) {
            body = obj();
        }
        return client.send(r.method(), path, body);
    }

    /** Fills each path variable with one of workspace B's ids, chosen by the variable's name or its segment. */
    private String path(String pattern, Map<String, Long> target) {
        Matcher m = VARIABLE.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String segment = m.group(1);
            String variable = m.group(2);
            String kind = variable.equals("id") ? singular(segment) : variable.replace("Id", "");
            Object id = textIds.containsKey(kind) ? textIds.get(kind) : target.get(kind);
            if (id == null) {
                throw new AssertionError(
                        "no id of workspace B for {" + variable + "} in " + pattern + ": add one to data()");
            }
            m.appendReplacement(out, "/" + segment + "/" + id);
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String singular(String segment) {
        return segment.equals("evidence") || segment.equals("progress")
                ? segment
                : segment.endsWith("s") ? segment.substring(0, segment.length() - 1) : segment;
    }

    /**
     * One query over every table of the schema (read from the catalog, so a new table is covered
     * without anyone adding it): its row count and a digest of all its rows. Only when a token was
     * last used is left out (reading with a token records that), and the webhook worker's cursor, which
     * the background worker moves along the outbox whenever allowed requests of earlier cells add events.
     */
    private String snapshotQuery() {
        List<String> tables = jdbc.sql("""
                select table_name from information_schema.tables
                where table_schema = current_schema() and table_type = 'BASE TABLE'
                  and table_name not in ('flyway_schema_history', 'webhook_cursor', 'rule_cursor')
                order by table_name
                """).query(String.class).list();
        assertThat(tables)
                .contains(
                        "webhooks",
                        "webhook_deliveries",
                        "idempotency_keys",
                        "feed_followers",
                        "api_tokens",
                        "identity_audit",
                        "workspace_invitations");
        List<String> parts = new ArrayList<>();
        for (String t : tables) {
            parts.add(
                    "select '" + t + "' as t, count(*) || ':' || coalesce(md5(string_agg(r, ',' order by r)), '') as s"
                            + " from (select (to_jsonb(x) - 'last_used_at')::text as r from \"" + t + "\" x) rows");
        }
        return String.join(" union all ", parts);
    }

    private Map<String, String> snapshot() {
        Map<String, String> m = new TreeMap<>();
        jdbc.sql(snapshotSql)
                .query((rs, n) -> m.put(rs.getString(1), rs.getString(2)))
                .list();
        return m;
    }
}
