package dev.agentkanban.agent;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Who may do what through MCP holds exactly as through REST: no token, no access; a viewer reads but
 * cannot write; another workspace's tasks do not exist; and concurrent agents never share a task.
 */
class McpAccessTest extends ApiTest {

    static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
             "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    TaskFixtures fx;
    long[] board;
    long task;

    @BeforeAll
    void data() {
        fx = new TaskFixtures(http);
        board = fx.board("Guarded");
        task = fx.task(board[0], "guarded task");
    }

    String tokenFor(String username, long workspace, Role role, String... scopes) {
        User user = identities.provision(username, username + "-password", workspace, role, false);
        return identities.issueToken(
                user.id(), "mcp", scopes.length == 0 ? List.of("read", "write", "admin") : List.of(scopes));
    }

    @Test
    void withoutAValidTokenTheEndpointAnswers401AndNothingRuns() {
        Response anonymous = http.anonymous().post("/mcp", INITIALIZE, "Accept", "application/json, text/event-stream");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).contains("Bearer");
        Response forged = http.anonymous()
                .post(
                        "/mcp",
                        INITIALIZE,
                        "Accept",
                        "application/json, text/event-stream",
                        "Authorization",
                        "Bearer akt_forged");
        assertThat(forged.status()).isEqualTo(401);
        assertThat(http.anonymous().get("/mcp").status()).isEqualTo(401);
    }

    @Test
    void aTokenQueryParameterAuthenticatesToo() {
        String token = tokenFor("query-agent", defaultWorkspace, Role.AGENT);
        Response r = http.anonymous()
                .post("/mcp?token=" + token, INITIALIZE, "Accept", "application/json, text/event-stream");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("result").get("serverInfo").get("name").asString())
                .isEqualTo("agent-kanban");
    }

    @Test
    void aViewerReadsButCannotCallAWriteTool() {
        try (McpTestClient viewer = new McpTestClient(port, tokenFor("mcp-viewer", defaultWorkspace, Role.VIEWER))) {
            assertThat(viewer.ok("get_task", "task_id", task)
                            .get("task")
                            .get("title")
                            .asString())
                    .isEqualTo("guarded task");
            long tasks = count("tasks");
            long events = count("outbox_events");
            assertThat(viewer.error("create_task", "board", board[0], "title", "sneaky"))
                    .startsWith("Forbidden (403)");
            assertThat(viewer.error("claim_task", "task_id", task)).startsWith("Forbidden (403)");
            assertThat(viewer.error("add_comment", "task_id", task, "body", "hi"))
                    .startsWith("Forbidden (403)");
            assertThat(viewer.error("report_issue", "board", board[0], "title", "x"))
                    .startsWith("Forbidden (403)");
            assertThat(count("tasks")).isEqualTo(tasks);
            assertThat(count("outbox_events")).isEqualTo(events);
            assertThat(fx.get(task).get("claimed_by").isNull()).isTrue();
        }
    }

    /**
     * Marking one's own notifications read is a viewer's right over REST (write scope, viewer role), and
     * so over MCP: it was refused for "needs the agent role" like the board's write tools; a read-only
     * token still cannot.
     */
    @Test
    void aViewerMarksTheirOwnNotificationsReadButNotWithAReadOnlyToken() {
        try (McpTestClient viewer =
                new McpTestClient(port, tokenFor("mcp-inbox-viewer", defaultWorkspace, Role.VIEWER, "read", "write"))) {
            assertThat(viewer.ok("mark_notifications_read").get("marked").asLong())
                    .isZero();
        }
        try (McpTestClient reader =
                new McpTestClient(port, tokenFor("mcp-inbox-reader", defaultWorkspace, Role.VIEWER, "read"))) {
            assertThat(reader.error("mark_notifications_read")).startsWith("Forbidden (403)");
        }
    }

    /**
     * A token of the admin scope alone may write, as REST's routes take it (POST
     * /api/v1/notifications/read-all answers it): the tool asked for the literal 'write' scope and
     * refused it with a 403.
     */
    @Test
    void anAdminScopedTokenMarksItsOwnerNotificationsRead() {
        try (McpTestClient admin =
                new McpTestClient(port, tokenFor("mcp-inbox-admin", defaultWorkspace, Role.VIEWER, "admin"))) {
            assertThat(admin.ok("mark_notifications_read").get("marked").asLong())
                    .isZero();
        }
    }

    @Test
    void aReadScopedTokenOfAnAdminCannotWriteEither() {
        try (McpTestClient reader =
                new McpTestClient(port, tokenFor("mcp-reader", defaultWorkspace, Role.ADMIN, "read"))) {
            assertThat(reader.ok("list_boards").get("total").asLong()).isPositive();
            assertThat(reader.error("move_task", "task_id", task, "column", "Done"))
                    .startsWith("Forbidden (403)");
            assertThat(fx.get(task).get("status").asString()).isEqualTo("pending");
        }
    }

    @Test
    void anotherWorkspacesBoardsAndTasksDoNotExist() {
        long other = otherWorkspace("mcp-elsewhere");
        try (McpTestClient outsider = new McpTestClient(port, tokenFor("mcp-outsider", other, Role.ADMIN))) {
            long events = count("outbox_events");
            long history = count("task_history");
            assertThat(outsider.ok("list_boards").get("total").asLong()).isZero();
            assertThat(outsider.ok("list_tasks").get("total").asLong()).isZero();
            assertThat(outsider.error("get_task", "task_id", task))
                    .isEqualTo("Not found (404): task " + task + " does not exist");
            assertThat(outsider.error("claim_task", "task_id", task)).startsWith("Not found (404)");
            assertThat(outsider.error("complete_task", "task_id", task, "notes", "x"))
                    .startsWith("Not found (404)");
            assertThat(outsider.error("get_board_state", "board", board[0])).startsWith("Not found (404)");
            assertThat(outsider.error("claim_next_task", "board", board[0])).startsWith("Not found (404)");
            assertThat(outsider.error("list_columns", "board", "Guarded")).contains("no board named");
            assertThat(count("outbox_events")).isEqualTo(events);
            assertThat(count("task_history")).isEqualTo(history);
        }
    }

    @Test
    void concurrentAgentsCallingClaimNextTaskNeverShareATask() throws Exception {
        long[] b = fx.board("MCP swarm");
        jdbc.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title)
                select :ws, :board, :column, g * 1024, 'mcp swarm ' || g from generate_series(1, 30) g
                """)
                .param("ws", defaultWorkspace)
                .param("board", b[0])
                .param("column", b[2])
                .update();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<Long>>> work = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String token = tokenFor("mcp-swarm-" + i, defaultWorkspace, Role.AGENT, "read", "write");
            Callable<List<Long>> loop = () -> {
                List<Long> mine = new ArrayList<>();
                try (McpTestClient agent = new McpTestClient(port, token)) {
                    for (int n = 0; n < 50; n++) {
                        JsonNode r = agent.ok("claim_next_task", "board", "MCP swarm", "column", "To Do");
                        if (!r.get("claimed").asBoolean()) {
                            assertThat(r.get("message").asString()).contains("no task is available");
                            return mine;
                        }
                        mine.add(r.get("task").get("id").asLong());
                    }
                }
                throw new AssertionError("kept claiming after 50 tasks");
            };
            work.add(pool.submit(loop));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : work) {
            all.addAll(f.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(all).hasSize(30);
        assertThat(new HashSet<>(all)).hasSize(30);
        assertThat(jdbc.sql("select count(*) from tasks where board_id = :b and claimed_by like 'mcp-swarm-%'")
                        .param("b", b[0])
                        .query(Long.class)
                        .single())
                .isEqualTo(30);
    }

    @Test
    void restAndMcpAgreeOnWhatAnAgentMayDo() {
        String token = tokenFor("twin-agent", defaultWorkspace, Role.AGENT, "read", "write");
        long mine = fx.task(board[0], "twin task");
        try (McpTestClient agent = new McpTestClient(port, token)) {
            // an agent works on tasks but does not manage boards, over either door
            assertThat(http.withToken(token)
                            .post("/api/v1/boards", obj("name", "Not mine"))
                            .status())
                    .isEqualTo(403);
            assertThat(agent.ok("claim_task", "task_id", mine).get("claimed_by").asString())
                    .isEqualTo("twin-agent");
            assertThat(http.withToken(token)
                            .post("/api/v1/tasks/" + mine + "/release", null)
                            .status())
                    .isEqualTo(200);
        }
    }
}
