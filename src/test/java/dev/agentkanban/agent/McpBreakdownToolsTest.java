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

/**
 * The work-breakdown tools over a real MCP client (issue 14): dependencies, subtasks and checklists,
 * what get_task and list_tasks show of them, and claim_next_task skipping blocked tasks.
 */
class McpBreakdownToolsTest extends ApiTest {

    McpTestClient agent;
    TaskFixtures fx;

    @BeforeAll
    void connect() {
        fx = new TaskFixtures(http);
        User user = identities.provision(
                "breakdown-agent", "breakdown-agent-password", defaultWorkspace, Role.AGENT, false);
        agent = new McpTestClient(port, identities.issueToken(user.id(), "mcp", List.of("read", "write")));
    }

    @AfterAll
    void disconnect() {
        agent.close();
    }

    @Test
    void dependenciesBlockTheClaimUntilTheBlockerIsDone() {
        long[] b = fx.board("Mcp deps");
        long first = fx.task(b[0], "lay the foundation", "priority", "low");
        long second = fx.task(b[0], "build the walls", "priority", "urgent");

        JsonNode added = agent.ok("add_dependency", "task_id", second, "blocked_by_task_id", first);
        assertThat(added.get("blocked").asBoolean()).isTrue();
        assertThat(agent.error("add_dependency", "task_id", first, "blocked_by_task_id", second))
                .contains("cycle", "#" + second + " blocks #" + first + " blocks #" + second);

        JsonNode task = agent.ok("get_task", "task_id", second);
        assertThat(task.get("task").get("blocked").asBoolean()).isTrue();
        assertThat(task.get("blockers").get(0).get("id").asLong()).isEqualTo(first);
        assertThat(agent.ok("list_tasks", "board", b[0], "blocked", true).get("items"))
                .extracting(t -> t.get("id").asLong())
                .containsExactly(second);
        assertThat(agent.ok("list_tasks", "board", b[0], "ready", true).get("items"))
                .extracting(t -> t.get("id").asLong())
                .containsExactly(first);

        // the urgent task is blocked: the low one comes first, and starting the blocked one fails
        JsonNode claimed = agent.ok("claim_next_task", "board", b[0]);
        assertThat(claimed.get("task").get("id").asLong()).isEqualTo(first);
        assertThat(agent.ok("claim_next_task", "board", b[0]).get("claimed").asBoolean())
                .isFalse();
        assertThat(agent.error("move_task", "task_id", second, "column", "In Progress"))
                .contains("blocked by", "#" + first);
        agent.ok("complete_task", "task_id", first);
        // seed 002's critical names urgent here too, as create_task and list_tasks take it
        assertThat(agent.ok("claim_next_task", "board", b[0], "priority", "critical")
                        .get("task")
                        .get("id")
                        .asLong())
                .isEqualTo(second);

        JsonNode removed = agent.ok("remove_dependency", "task_id", second, "blocked_by_task_id", first);
        assertThat(removed.get("items")).isEmpty();
        assertThat(agent.error("remove_dependency", "task_id", second, "blocked_by_task_id", first))
                .contains("does not exist");
    }

    @Test
    void subtasksAndChecklistsShowInGetTask() {
        long[] b = fx.board("Mcp breakdown");
        long parent = fx.task(b[0], "ship the feature");
        JsonNode sub = agent.ok("create_subtask", "parent_id", parent, "title", "write the migration");
        assertThat(sub.get("parent_id").asLong()).isEqualTo(parent);
        assertThat(sub.get("board_id").asLong()).isEqualTo(b[0]);
        JsonNode item = agent.ok("add_checklist_item", "task_id", parent, "text", "update the docs");
        long itemId = item.get("item").get("id").asLong();
        agent.ok("add_checklist_item", "task_id", parent, "text", "announce it");
        JsonNode ticked = agent.ok("check_item", "task_id", parent, "item_id", itemId);
        assertThat(ticked.get("item").get("done").asBoolean()).isTrue();
        assertThat(ticked.get("task").get("checklist").get("done").asLong()).isEqualTo(1);

        JsonNode task = agent.ok("get_task", "task_id", parent);
        assertThat(task.get("children"))
                .extracting(c -> c.get("id").asLong())
                .containsExactly(sub.get("id").asLong());
        assertThat(task.get("checklist"))
                .extracting(i -> i.get("text").asString())
                .containsExactly("update the docs", "announce it");
        assertThat(task.get("task").get("subtasks").get("total").asLong()).isEqualTo(1);
        assertThat(agent.ok("list_tasks", "parent_id", parent).get("items")).hasSize(1);

        assertThat(agent.error("complete_task", "task_id", parent)).contains("open subtasks", "cascade");
        assertThat(agent.error("check_item", "task_id", parent, "item_id", 987654))
                .contains("does not exist");
        assertThat(agent.error("add_checklist_item", "task_id", parent, "text", " "))
                .contains("text");

        // the cascade the refusal names is an argument of the tool
        JsonNode completed = agent.ok("complete_task", "task_id", parent, "cascade", "cancel");
        assertThat(completed.get("task").get("status").asString()).isEqualTo("completed");
        assertThat(fx.get(sub.get("id").asLong()).get("status").asString()).isEqualTo("cancelled");

        // report_issue records a new issue as a duplicate when asked
        JsonNode reported = agent.ok(
                "report_issue", "board", b[0], "title", "the docs are out of date again", "duplicate_of", parent);
        long copy = reported.get("task").get("id").asLong();
        assertThat(agent.ok("get_task", "task_id", copy).get("relations"))
                .extracting(r ->
                        r.get("kind").asString() + " " + r.get("task").get("id").asLong())
                .containsExactly("duplicate_of " + parent);
    }
}
