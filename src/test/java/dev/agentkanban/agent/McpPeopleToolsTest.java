package dev.agentkanban.agent;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The people tools (issue 15) over a real MCP client: an agent's own tasks and its inbox. */
class McpPeopleToolsTest extends ApiTest {

    TaskFixtures fx;
    User bot;

    @BeforeAll
    void people() {
        fx = new TaskFixtures(http);
        bot = identities.provision("bot-9", "bot-9-password", defaultWorkspace, Role.AGENT, false);
        clientFor("ann", defaultWorkspace, Role.MEMBER);
    }

    McpTestClient agent() {
        return new McpTestClient(port, identities.issueToken(bot.id(), "mcp", List.of("read", "write")));
    }

    @Test
    void anAgentListsItsOwnOpenTasksMostUrgentFirst() {
        long[] b = fx.board("Agent work");
        long mine = fx.task(b[0], "for the bot", "priority", "low");
        long urgent = fx.task(b[0], "urgent for the bot", "priority", "urgent");
        long done = fx.task(b[0], "done by the bot");
        fx.task(b[0], "someone else's", "assignee", "ann");
        for (long t : new long[] {mine, urgent, done}) {
            assertThat(http.post("/api/v1/tasks/" + t + "/assignees", obj("username", "bot-9"))
                            .status())
                    .isEqualTo(200);
        }
        assertThat(http.post("/api/v1/tasks/" + done + "/complete", obj()).status())
                .isEqualTo(200);
        try (McpTestClient agent = agent()) {
            JsonNode page = agent.ok("list_my_tasks", "board", b[0]);
            assertThat(page.get("items")).extracting(t -> t.get("id").asLong()).containsExactly(urgent, mine);
            assertThat(agent.ok("list_my_tasks", "board", b[0], "status", List.of("completed"))
                            .get("items"))
                    .extracting(t -> t.get("id").asLong())
                    .containsExactly(done);
        }
    }

    @Test
    void aMentionedAgentFindsItInItsInboxAndMarksItRead() {
        long[] b = fx.board("Agent inbox");
        long task = fx.task(b[0], "needs the bot");
        assertThat(http.post("/api/v1/tasks/" + task + "/comments", obj("body", "@bot-9 please look at this"))
                        .status())
                .isEqualTo(201);
        try (McpTestClient agent = agent()) {
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() ->
                            agent.ok("get_my_notifications").get("unread_count").asLong() == 1);
            JsonNode inbox = agent.ok("get_my_notifications");
            JsonNode n = inbox.get("items").get(0);
            assertThat(n.get("kind").asString()).isEqualTo("mentioned");
            assertThat(n.get("task_id").asLong()).isEqualTo(task);
            assertThat(n.get("actor").asString()).isEqualTo("tester");
            // a mention assigns nothing
            assertThat(agent.ok("list_my_tasks", "board", b[0]).get("items")).isEmpty();
            JsonNode marked = agent.ok(
                    "mark_notifications_read", "notification_id", n.get("id").asLong());
            assertThat(marked.get("unread_count").asLong()).isZero();
            assertThat(agent.ok("get_my_notifications").get("items")).isEmpty();
            assertThat(agent.ok("get_my_notifications", "unread_only", false).get("items"))
                    .hasSize(1);
        }
    }
}
