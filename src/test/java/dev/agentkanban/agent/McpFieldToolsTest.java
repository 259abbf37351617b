package dev.agentkanban.agent;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.task.TaskFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Custom fields (issue 17) over the MCP Java SDK client: an agent reads, sets and filters by them. */
class McpFieldToolsTest extends ApiTest {

    McpTestClient agent;

    @BeforeAll
    void connect() {
        User user = identities.provision("fields-agent", "fields-agent-password", defaultWorkspace, Role.AGENT, false);
        agent = new McpTestClient(port, identities.issueToken(user.id(), "mcp", List.of("read", "write")));
    }

    @AfterAll
    void disconnect() {
        agent.close();
    }

    @Test
    void anAgentSeesSetsAndFiltersByCustomFields() {
        long board = new TaskFixtures(http).board("Mcp fields")[0];
        assertThat(http.post("/api/v1/boards/" + board + "/fields", obj("name", "Points", "type", "number"))
                        .status())
                .isEqualTo(201);
        assertThat(http.post(
                                "/api/v1/boards/" + board + "/fields",
                                obj("name", "Stage", "type", "single_select", "options", List.of("Idea", "Ready")))
                        .status())
                .isEqualTo(201);

        JsonNode columns = agent.ok("list_columns", "board", board);
        assertThat(columns.get("fields").findValuesAsString("name")).containsExactly("Points", "Stage");
        assertThat(columns.get("fields").get(1).get("type").asString()).isEqualTo("single_select");

        long small = agent.ok("create_task", "board", board, "title", "small", "fields", Map.of("Points", 2))
                .get("id")
                .asLong();
        long big = agent.ok("create_task", "board", board, "title", "big")
                .get("id")
                .asLong();
        JsonNode edited = agent.ok("edit_task", "task_id", big, "fields", Map.of("Points", 8, "Stage", "ready"));
        assertThat(edited.get("fields").get("Points").asInt()).isEqualTo(8);
        assertThat(edited.get("fields").get("Stage").asString()).isEqualTo("Ready");

        JsonNode task = agent.ok("get_task", "task_id", big).get("task");
        assertThat(task.get("fields").get("Stage").asString()).isEqualTo("Ready");
        assertThat(agent.error("edit_task", "task_id", big, "fields", Map.of("Points", "lots")))
                .contains("fields.Points");
        assertThat(agent.ok("get_task", "task_id", big)
                        .get("task")
                        .get("fields")
                        .get("Points")
                        .asInt())
                .as("a refused value changes nothing")
                .isEqualTo(8);

        JsonNode found = agent.ok("list_tasks", "board", board, "fields", Map.of("Points", "gt:3"));
        assertThat(found.get("items")).extracting(t -> t.get("id").asLong()).containsExactly(big);
        JsonNode sorted = agent.ok("list_tasks", "board", board, "sort", "-cf.Points");
        assertThat(sorted.get("items")).extracting(t -> t.get("id").asLong()).containsExactly(big, small);

        // the change is the agent's, in the task's history
        String history = http.get("/api/v1/tasks/" + big + "/history").body();
        assertThat(history).contains("fields.Points").contains("fields-agent");
    }
}
