package dev.agentkanban.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A real MCP client (the official TypeScript SDK on Node) works as an agent: over Streamable HTTP with
 * a token, and through the stdio mode, it lists the tools and runs a whole task lifecycle whose effects
 * REST and the history show under the agent's name. Without a token it is refused.
 */
class TypeScriptClientTest extends ApiTest {

    static final List<String> TOOLS = List.of(
            "list_boards",
            "get_board_state",
            "list_columns",
            "list_rules",
            "list_tasks",
            "get_task",
            "create_task",
            "edit_task",
            "move_task",
            "claim_task",
            "claim_next_task",
            "renew_claim",
            "release_task",
            "complete_task",
            "add_comment",
            "get_statistics",
            "get_flow_metrics",
            "report_issue",
            "get_hints",
            "apply_hint",
            "add_dependency",
            "remove_dependency",
            "create_subtask",
            "add_checklist_item",
            "check_item",
            "list_archived",
            "restore_task",
            "list_my_tasks",
            "get_my_notifications",
            "mark_notifications_read");

    long board;
    String agentToken;

    @BeforeAll
    void agent() {
        board = new TaskFixtures(http).board("Agents at work")[0];
        User agent = identities.provision("agent-smith", "agent-smith-password", defaultWorkspace, Role.AGENT, false);
        agentToken = identities.issueToken(agent.id(), "mcp", List.of("read", "write"));
    }

    @Test
    void anAgentRunsATaskLifecycleOverStreamableHttp() throws Exception {
        JsonNode report = NodeAgent.report(
                "http", Map.of("KANBAN_URL", base(), "KANBAN_TOKEN", agentToken, "BOARD_ID", Long.toString(board)));
        assertLifecycle(report, "http");
    }

    @Test
    void anAgentRunsATaskLifecycleThroughTheStdioMode() throws Exception {
        JsonNode report = NodeAgent.report(
                "stdio",
                Map.of(
                        "KANBAN_URL",
                        base(),
                        "KANBAN_TOKEN",
                        agentToken,
                        "BOARD_ID",
                        Long.toString(board),
                        "JAVA",
                        NodeAgent.javaBinary(),
                        "CLASSPATH",
                        NodeAgent.classPath()));
        assertLifecycle(report, "stdio");
    }

    @Test
    void aClientWithoutATokenIsRefused() throws Exception {
        long tasks = count("tasks");
        JsonNode report = NodeAgent.report("anonymous", Map.of("KANBAN_URL", base()));
        assertThat(report.get("refused").asBoolean()).as(report.toString()).isTrue();
        assertThat(report.get("error").asString()).contains("401");
        assertThat(count("tasks")).isEqualTo(tasks);
    }

    @Test
    void anAgentReadsAndAppliesAHint() throws Exception {
        long task = new TaskFixtures(http).task(board, "App crashes when saving");
        long hint = http.post(
                        "/api/v1/tasks/" + task + "/hints",
                        Map.of(
                                "type",
                                "priority",
                                "message",
                                "mentions a crash",
                                "suggestion",
                                Map.of("priority", "high"),
                                "source",
                                "worker:priority"))
                .id();

        JsonNode report = NodeAgent.report(
                "hints", Map.of("KANBAN_URL", base(), "KANBAN_TOKEN", agentToken, "TASK_ID", Long.toString(task)));

        assertThat(report.get("taskHints"))
                .extracting(h -> h.get("id").asLong())
                .containsExactly(hint);
        assertThat(report.get("hints").get(0).get("suggestion").get("priority").asString())
                .isEqualTo("high");
        assertThat(report.get("applied").get("hint").get("status").asString()).isEqualTo("applied");
        assertThat(report.get("applied").get("task").get("priority").asString()).isEqualTo("high");
        assertThat(report.get("pendingAfter")).isEmpty();
        JsonNode stored = http.get("/api/v1/hints/" + hint).json();
        assertThat(stored.get("resolved_by").asString()).isEqualTo("agent-smith");
        assertThat(http.get("/api/v1/tasks/" + task).json().get("priority").asString())
                .isEqualTo("high");
    }

    private void assertLifecycle(JsonNode report, String mode) {
        List<String> names = new ArrayList<>();
        for (JsonNode tool : report.get("tools")) {
            names.add(tool.get("name").asString());
            assertThat(tool.get("description").asString())
                    .as(tool.get("name").asString())
                    .hasSizeGreaterThan(80);
            assertThat(tool.get("annotations").has("readOnlyHint")).isTrue();
            assertThat(tool.get("annotations").has("destructiveHint")).isTrue();
            assertThat(tool.get("annotations").has("idempotentHint")).isTrue();
        }
        assertThat(names).containsExactlyInAnyOrderElementsOf(TOOLS);
        assertThat(report.get("server").get("name").asString()).isEqualTo("agent-kanban");

        long id = report.get("created").get("id").asLong();
        assertThat(report.get("created").get("created_by").asString()).isEqualTo("agent-smith");
        assertThat(report.get("claimed").get("claimed_by").asString()).isEqualTo("agent-smith");
        assertThat(report.get("comment").get("author").asString()).isEqualTo("agent-smith");
        assertThat(report.get("completed").get("task").get("status").asString()).isEqualTo("completed");
        // the flow metrics the agent read right after completing count the task as completed today
        JsonNode flow = report.get("flow");
        assertThat(flow.get("completed"))
                .extracting(c -> c.get("task_id").asLong())
                .contains(id);
        assertThat(flow.get("throughput_daily").get(29).get("completed").asLong())
                .isGreaterThanOrEqualTo(1);
        assertThat(report.get("badMove").asString()).contains("Nowhere", "Backlog", "To Do", "In Progress", "Done");

        Response task = http.get("/api/v1/tasks/" + id);
        assertThat(task.status()).isEqualTo(200);
        assertThat(task.json().get("title").asString()).isEqualTo("Lifecycle over " + mode);
        assertThat(task.json().get("status").asString()).isEqualTo("completed");
        assertThat(task.json().get("column").asString()).isEqualTo("Done");
        assertThat(task.json().get("claimed_by").isNull()).isTrue();
        assertThat(task.json().get("tags").get(0).get("name").asString()).isEqualTo("agent");

        JsonNode comments = http.get("/api/v1/tasks/" + id + "/comments").json().get("items");
        assertThat(comments)
                .extracting(c -> c.get("body").asString())
                .containsExactly("working on it over " + mode, "done and tested");
        JsonNode evidence = http.get("/api/v1/tasks/" + id + "/evidence").json().get("items");
        assertThat(evidence.get(0).get("url").asString()).isEqualTo("https://example.com/pr/1");

        JsonNode history =
                http.get("/api/v1/tasks/" + id + "/history?limit=100").json().get("items");
        List<String> actions = new ArrayList<>();
        for (JsonNode h : history) {
            actions.add(h.get("action").asString());
            assertThat(h.get("actor").asString()).as(h.toString()).isEqualTo("agent-smith");
        }
        assertThat(actions)
                .contains("created", "claimed", "comment_added", "status_changed", "moved", "evidence_added");
    }

    private String base() {
        return "http://localhost:" + port;
    }
}
