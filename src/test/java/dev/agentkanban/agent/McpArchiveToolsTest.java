package dev.agentkanban.agent;

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

/** list_archived and restore_task over a real MCP client (issue 17). */
class McpArchiveToolsTest extends ApiTest {

    McpTestClient agent;
    TaskFixtures fx;

    @BeforeAll
    void connect() {
        fx = new TaskFixtures(http);
        User user =
                identities.provision("archive-agent", "archive-agent-password", defaultWorkspace, Role.AGENT, false);
        agent = new McpTestClient(port, identities.issueToken(user.id(), "mcp", List.of("read", "write")));
    }

    @AfterAll
    void disconnect() {
        agent.close();
    }

    @Test
    void anAgentFindsArchivedAndDeletedTasksAndRestoresThem() {
        long[] b = fx.board("Mcp archive");
        long archived = fx.task(b[0], "shelved idea");
        long deleted = fx.task(b[0], "thrown away by mistake");
        assertThat(http.post("/api/v1/tasks/" + archived + "/archive", null).status())
                .isEqualTo(200);
        assertThat(http.delete("/api/v1/tasks/" + deleted).status()).isEqualTo(204);

        assertThat(agent.ok("list_tasks", "board", b[0]).get("items")).isEmpty();
        JsonNode shelf = agent.ok("list_archived", "board", b[0]);
        assertThat(shelf.get("items")).extracting(t -> t.get("id").asLong()).containsExactly(archived);
        JsonNode trash = agent.ok("list_archived", "board", b[0], "trash", true);
        assertThat(trash.get("items")).extracting(t -> t.get("id").asLong()).containsExactly(deleted);
        assertThat(agent.error("get_task", "task_id", deleted)).startsWith("Not found (404)");

        JsonNode back = agent.ok("restore_task", "task_id", deleted);
        assertThat(back.get("id").asLong()).isEqualTo(deleted);
        agent.ok("restore_task", "task_id", archived);
        assertThat(agent.ok("list_tasks", "board", b[0]).get("items"))
                .extracting(t -> t.get("id").asLong())
                .containsExactlyInAnyOrder(archived, deleted);
        assertThat(agent.error("restore_task", "task_id", 987654)).startsWith("Not found (404)");
        JsonNode history = agent.ok("get_task", "task_id", deleted);
        assertThat(history.get("task").get("archived_at").isNull()).isTrue();
    }
}
