package dev.agentkanban.agent;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Claims bind, over REST and MCP alike: a task someone else holds under a live claim cannot be
 * edited, moved, completed or deleted (409 naming the holder and the expiry, nothing changed) unless a
 * member or admin overrides explicitly with {@code force}, which the task's history records.
 */
class ClaimEnforcementTest extends ApiTest {

    TaskFixtures fx;
    long[] board;
    Http holder;
    Http otherAgent;
    Http member;
    String otherAgentToken;

    @BeforeAll
    void data() {
        fx = new TaskFixtures(http);
        board = fx.board("Claims");
        holder = clientFor("holder", defaultWorkspace, Role.AGENT);
        User other = identities.provision("other-agent", "other-agent-password", defaultWorkspace, Role.AGENT, false);
        otherAgentToken = identities.issueToken(other.id(), "tests", List.of("read", "write"));
        otherAgent = http.withToken(otherAgentToken);
        member = clientFor("overrider", defaultWorkspace, Role.MEMBER);
    }

    private long claimedTask(String title) {
        long task = fx.task(board[0], title);
        Response claimed = holder.post("/api/v1/tasks/" + task + "/claim", obj());
        assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
        return task;
    }

    @Test
    void anotherCallerCannotEditMoveCompleteOrDeleteAClaimedTask() {
        long task = claimedTask("held");
        String before = fx.get(task).get("updated_at").asString();
        long history = count("task_history");
        List<Response> refused = List.of(
                otherAgent.patch("/api/v1/tasks/" + task, obj("title", "taken over")),
                otherAgent.post("/api/v1/tasks/" + task + "/move", obj("column", "Done")),
                otherAgent.post("/api/v1/tasks/" + task + "/complete", null),
                otherAgent.post("/api/v1/tasks/" + task + "/start", null),
                otherAgent.post("/api/v1/tasks/" + task + "/cancel", obj("reason", "mine now")),
                otherAgent.delete("/api/v1/tasks/" + task),
                member.patch("/api/v1/tasks/" + task, obj("title", "without force")));
        for (Response r : refused) {
            assertThat(r.status()).as(r.body()).isEqualTo(409);
            assertThat(r.json().get("type").asString()).endsWith("/claimed-by-another");
            assertThat(r.json().get("claimed_by").asString()).isEqualTo("holder");
            assertThat(r.json().get("claim_expires_at").asString()).isNotBlank();
            assertThat(r.json().get("detail").asString())
                    .contains("holder", r.json().get("claim_expires_at").asString());
        }
        assertThat(fx.get(task).get("updated_at").asString()).isEqualTo(before);
        assertThat(count("task_history")).isEqualTo(history);
    }

    @Test
    void theHolderWorksOnAsUsual() {
        long task = claimedTask("mine");
        assertThat(holder.patch("/api/v1/tasks/" + task, obj("title", "still mine"))
                        .status())
                .isEqualTo(200);
        assertThat(holder.post("/api/v1/tasks/" + task + "/complete", null).status())
                .isEqualTo(200);
    }

    @Test
    void anAgentMayNotForceButAMemberMayAndItIsRecorded() {
        long task = claimedTask("forced");
        Response agentForce = otherAgent.post("/api/v1/tasks/" + task + "/complete?force=true", null);
        assertThat(agentForce.status()).as(agentForce.body()).isEqualTo(403);
        assertThat(fx.get(task).get("status").asString()).isEqualTo("pending");

        Response forced = member.post("/api/v1/tasks/" + task + "/complete?force=true", null);
        assertThat(forced.status()).as(forced.body()).isEqualTo(200);
        assertThat(forced.json().get("status").asString()).isEqualTo("completed");
        assertThat(jdbc.sql("""
                select count(*) from task_history where task_id = :t and action = 'claim_overridden'
                  and old_value = 'holder' and new_value = 'overrider' and actor = 'overrider'
                """).param("t", task).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void anExpiredClaimNoLongerBinds() {
        long task = claimedTask("lapsed");
        jdbc.sql("update tasks set claim_expires_at = now() - interval '1 second' where id = :t")
                .param("t", task)
                .update();
        assertThat(otherAgent
                        .patch("/api/v1/tasks/" + task, obj("title", "free again"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void archivingRespectsClaimsAndAColumnArchiveIsAllOrNothing() {
        long task = claimedTask("held, not to be archived");
        Response refused = otherAgent.post("/api/v1/tasks/" + task + "/archive", null);
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).endsWith("/claimed-by-another");
        assertThat(refused.json().get("claimed_by").asString()).isEqualTo("holder");
        assertThat(fx.get(task).get("archived_at").isNull()).isTrue();
        assertThat(otherAgent
                        .post("/api/v1/tasks/" + task + "/archive?force=true", null)
                        .status())
                .isEqualTo(403);

        long[] col = fx.board("Claims column archive");
        long free = fx.task(col[0], "free card");
        long held = fx.task(col[0], "held card");
        assertThat(holder.post("/api/v1/tasks/" + held + "/claim", obj()).status())
                .isEqualTo(200);
        long history = count("task_history");
        Response column = member.post("/api/v1/boards/" + col[0] + "/columns/" + col[1] + "/archive", null);
        assertThat(column.status()).as(column.body()).isEqualTo(409);
        assertThat(column.json().get("type").asString()).endsWith("/column-has-claimed-tasks");
        assertThat(column.json().get("claimed_tasks").findValuesAsString("claimed_by"))
                .containsExactly("holder");
        assertThat(column.json().get("claimed_tasks").get(0).get("id").asLong()).isEqualTo(held);
        assertThat(fx.get(free).get("archived_at").isNull()).isTrue();
        assertThat(count("task_history")).isEqualTo(history);

        Response forced = member.post("/api/v1/boards/" + col[0] + "/columns/" + col[1] + "/archive?force=true", null);
        assertThat(forced.status()).as(forced.body()).isEqualTo(200);
        assertThat(forced.json().get("archived").asInt()).isEqualTo(2);
        assertThat(jdbc.sql("select count(*) from task_history where task_id = :t and action = 'claim_overridden'")
                        .param("t", held)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);

        assertThat(holder.post("/api/v1/tasks/" + task + "/archive", null).status())
                .isEqualTo(200);
    }

    @Test
    void mcpToolsRespectClaimsTheSameWay() {
        long task = claimedTask("held over mcp");
        try (McpTestClient mcp = new McpTestClient(port, otherAgentToken)) {
            assertThat(mcp.error("complete_task", "task_id", task)).contains("claimed by holder until");
            assertThat(mcp.error("edit_task", "task_id", task, "title", "x")).contains("claimed by holder until");
            assertThat(mcp.error("move_task", "task_id", task, "column", "Done"))
                    .contains("claimed by holder until");
            assertThat(mcp.error("complete_task", "task_id", task, "force", true))
                    .contains("only members and admins");
        }
        assertThat(fx.get(task).get("status").asString()).isEqualTo("pending");
        String memberToken = identities.issueToken(
                identities
                        .provision("mcp-member", "mcp-member-password", defaultWorkspace, Role.MEMBER, false)
                        .id(),
                "mcp",
                List.of("read", "write"));
        try (McpTestClient mcp = new McpTestClient(port, memberToken)) {
            assertThat(mcp.ok("complete_task", "task_id", task, "force", true)
                            .get("task")
                            .get("status")
                            .asString())
                    .isEqualTo("completed");
        }
    }
}
