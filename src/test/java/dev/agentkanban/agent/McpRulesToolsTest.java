package dev.agentkanban.agent;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.task.TaskFixtures;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** list_rules over a real MCP client (issue 15): an agent, even with a read-only token, sees a board's rules. */
class McpRulesToolsTest extends ApiTest {

    McpTestClient agent;
    TaskFixtures fx;

    @BeforeAll
    void connect() {
        fx = new TaskFixtures(http);
        User user = identities.provision("rules-agent", "rules-agent-password", defaultWorkspace, Role.AGENT, false);
        agent = new McpTestClient(port, identities.issueToken(user.id(), "mcp", List.of("read")));
    }

    @AfterAll
    void disconnect() {
        agent.close();
    }

    @Test
    void anAgentListsABoardsRulesByBoardName() {
        long[] b = fx.board("Mcp rules");
        assertThat(http.post(
                                "/api/v1/boards/" + b[0] + "/rules",
                                obj(
                                        "name",
                                        "Review on done",
                                        "trigger",
                                        obj("type", "task_moved", "column_id", b[4]),
                                        "conditions",
                                        obj("tag", "needs-review"),
                                        "actions",
                                        List.of(obj("type", "comment", "body", "please review"))))
                        .status())
                .isEqualTo(201);

        JsonNode rules = agent.ok("list_rules", "board", "Mcp rules").get("rules");
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).get("name").asString()).isEqualTo("Review on done");
        assertThat(rules.get(0).get("trigger").get("type").asString()).isEqualTo("task_moved");
        assertThat(rules.get(0).get("trigger").get("column_id").asLong()).isEqualTo(b[4]);
        assertThat(rules.get(0).get("actions").get(0).get("type").asString()).isEqualTo("comment");
        assertThat(agent.ok("list_rules", "board", b[0]).get("rules")).hasSize(1);
        assertThat(agent.error("list_rules", "board", "No such board")).contains("board");
    }
}
