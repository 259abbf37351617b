package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The authorization matrix, generated from the application's own route list so that a new endpoint is
 * covered without anyone remembering to add it: no credentials → 401; a viewer's write → 403; a caller
 * of another workspace naming this workspace's ids → 404 (403 for workspace-level routes); and the
 * database unchanged by every refused request.
 */
class AuthorizationMatrixTest extends ApiTest {

    private static final Set<String> PUBLIC = Set.of("/api/v1/health", "/api/v1/health/simple", "/api/v1/status",
            "/api/v1/auth/login", "/api/v1/auth/session");
    private static final Pattern VARIABLE = Pattern.compile("/([a-z_-]+)/\\{([A-Za-z]+)}");

    /** Valid bodies for routes whose validation would otherwise answer before the workspace check. */
    private static final Map<String, Object> BODIES = Map.ofEntries(
            Map.entry("POST /api/v1/tasks/{id}/move", obj("column", "Done")),
            Map.entry("POST /api/v1/tasks/{id}/cancel", obj("reason", "x")),
            Map.entry("POST /api/v1/tasks/{taskId}/comments", obj("body", "x")),
            Map.entry("PATCH /api/v1/comments/{id}", obj("body", "x")),
            Map.entry("POST /api/v1/tasks/{taskId}/tags", obj("name", "bug")),
            Map.entry("PUT /api/v1/tasks/{taskId}/tags", obj("names", List.of("bug"))),
            Map.entry("POST /api/v1/tasks/{taskId}/hints", obj("type", "stale", "message", "x")),
            Map.entry("POST /api/v1/tasks/{taskId}/evidence", obj("kind", "note", "note", "x")),
            Map.entry("POST /api/v1/tasks/{id}/checklist", obj("text", "x")),
            Map.entry("PATCH /api/v1/tags/{id}", obj("name", "renamed")),
            Map.entry("PUT /api/v1/boards/{id}", obj("name", "x")),
            Map.entry("PATCH /api/v1/boards/{id}", obj("name", "x")),
            Map.entry("PUT /api/v1/boards/{id}/columns", obj("columns", List.of(obj("name", "A")))),
            Map.entry("POST /api/v1/boards/{id}/columns", obj("name", "New")),
            Map.entry("PATCH /api/v1/boards/{id}/columns/{columnId}", obj("name", "x")),
            Map.entry("PATCH /api/v1/tasks/{id}", obj("title", "x")),
            Map.entry("PUT /api/v1/tasks/{id}", obj("title", "x")),
            Map.entry("PATCH /api/v1/workspaces/{id}", obj("name", "x")),
            Map.entry("POST /api/v1/workspaces/{id}/members", obj("username", "tester", "role", "viewer")),
            Map.entry("PUT /api/v1/workspaces/{id}/members/{userId}", obj("role", "viewer")),
            Map.entry("PATCH /api/v1/workspaces/{id}/members/{userId}", obj("role", "viewer")),
            Map.entry("PATCH /api/v1/users/{id}", obj("display_name", "x")));

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    record Route(String method, String pattern) {
        String key() {
            return method + " " + pattern;
        }
    }

    final Map<String, Long> ids = new TreeMap<>();
    Http viewer;
    Http outsider;

    @BeforeAll
    void data() {
        long board = http.post("/api/v1/boards", obj("name", "Matrix")).id();
        ids.put("board", board);
        ids.put("column", http.get("/api/v1/boards/" + board + "/columns").json().get(0).get("id").asLong());
        long task = http.post("/api/v1/tasks", obj("board_id", board, "title", "matrix task", "tags", List.of("bug"))).id();
        ids.put("task", task);
        ids.put("comment", http.post("/api/v1/tasks/" + task + "/comments", obj("body", "c")).id());
        ids.put("evidence", http.post("/api/v1/tasks/" + task + "/evidence", obj("kind", "note", "note", "n")).id());
        ids.put("hint", http.post("/api/v1/tasks/" + task + "/hints", obj("type", "stale", "message", "m")).id());
        ids.put("tag", jdbc.sql("select id from tags where name = 'bug' and workspace_id = :ws").param("ws", defaultWorkspace)
                .query(Long.class).single());
        ids.put("user", admin.id());
        ids.put("token", http.post("/api/v1/tokens", obj("name", "matrix", "scopes", List.of("read"))).id());
        ids.put("workspace", defaultWorkspace);
        viewer = clientFor("matrix-viewer", defaultWorkspace, Role.VIEWER);
        outsider = clientFor("outsider", otherWorkspace("elsewhere"), Role.ADMIN);
    }

    List<Route> routes() {
        Set<Route> routes = new java.util.LinkedHashSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> {
            Set<String> patterns = info.getPatternValues();
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String p : patterns) {
                if (!p.startsWith("/api/") || PUBLIC.contains(p)) {
                    continue;
                }
                for (RequestMethod m : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    routes.add(new Route(m.name(), p));
                }
            }
        });
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(java.util.Comparator.comparing(Route::key));
        assertThat(sorted).hasSizeGreaterThan(40);
        return sorted;
    }

    @Test
    void withoutCredentialsEveryRouteIs401() {
        Http anonymous = http.anonymous();
        List<String> wrong = new ArrayList<>();
        for (Route r : routes()) {
            Map<String, Long> before = snapshot();
            Response res = anonymous.send(r.method(), path(r.pattern()), body(r));
            if (res.status() != 401 || !snapshot().equals(before)) {
                wrong.add(r.key() + " -> " + res.status());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aViewerCannotWriteAnywhere() {
        List<String> wrong = new ArrayList<>();
        for (Route r : routes()) {
            if (r.method().equals("GET") || r.pattern().startsWith("/api/v1/auth/") || r.pattern().startsWith("/api/v1/tokens")) {
                continue;
            }
            Map<String, Long> before = snapshot();
            Response res = viewer.send(r.method(), path(r.pattern()), body(r));
            if (res.status() != 403 || !snapshot().equals(before)) {
                wrong.add(r.key() + " -> " + res.status() + " " + res.body());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aCallerOfAnotherWorkspaceFindsNothingAndChangesNothing() {
        List<String> wrong = new ArrayList<>();
        for (Route r : routes()) {
            if (!r.pattern().contains("{")) {
                continue; // routes without ids act on the caller's own workspace (see TenancyTest)
            }
            int expected = r.pattern().startsWith("/api/v1/workspaces/{") ? 403 : 404;
            Map<String, Long> before = snapshot();
            Response res = outsider.send(r.method(), path(r.pattern()), body(r));
            if (res.status() != expected || !snapshot().equals(before)) {
                wrong.add(r.key() + " -> " + res.status() + " (expected " + expected + ") " + res.body());
            }
        }
        assertThat(wrong).isEmpty();
    }

    private Object body(Route r) {
        Object body = BODIES.get(r.key());
        if (body != null) {
            return body;
        }
        return r.method().equals("GET") || r.method().equals("DELETE") ? null : obj();
    }

    /** Fills each path variable with an id of this workspace, chosen by the variable's name or its segment. */
    private String path(String pattern) {
        Matcher m = VARIABLE.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String segment = m.group(1);
            String variable = m.group(2);
            String kind = variable.equals("id") ? singular(segment) : variable.replace("Id", "");
            if (kind.equals("member")) {
                kind = "user";
            }
            Long id = ids.getOrDefault(kind, 987_654L);
            m.appendReplacement(out, "/" + segment + "/" + id);
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String singular(String segment) {
        return switch (segment) {
            case "evidence" -> "evidence";
            default -> segment.endsWith("s") ? segment.substring(0, segment.length() - 1) : segment;
        };
    }

    /** One query that changes when any refused request would have changed something. */
    private Map<String, Long> snapshot() {
        return new TreeMap<>(jdbc.sql("""
                select (select count(*) from boards) as boards, (select count(*) from board_columns) as columns,
                       (select count(*) from tasks) as tasks, (select count(*) from tags) as tags,
                       (select count(*) from task_tags) as task_tags, (select count(*) from comments) as comments,
                       (select count(*) from evidence) as evidence, (select count(*) from outbox_events) as events,
                       (select count(*) from hints) + (select count(*) from hints where status <> 'pending') as hints,
                       (select count(*) from task_history) as history, (select count(*) from memberships) as members,
                       (select count(*) from users) as users, (select count(*) from workspaces) as workspaces,
                       (select coalesce(sum(version), 0) from tasks) + (select coalesce(sum(version), 0) from boards) as versions,
                       (select count(*) from api_tokens where revoked_at is not null) as revoked,
                       (select coalesce(sum(length(name)), 0) from workspaces) + (select coalesce(sum(length(name)), 0) from tags)
                           + (select coalesce(sum(length(coalesce(display_name, ''))), 0) from users) as names,
                       (select coalesce(sum(length(body)), 0) from comments) as bodies
                """).query((rs, n) -> {
                    Map<String, Long> m = new TreeMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        m.put(rs.getMetaData().getColumnLabel(i), rs.getLong(i));
                    }
                    return m;
                }).single());
    }
}
