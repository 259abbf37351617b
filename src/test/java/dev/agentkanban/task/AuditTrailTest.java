package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Workspaces;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.task.TaskRequests.MoveTask;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The audit trail: one row per tracked change, with actor and old/new values, in the change's transaction. */
class AuditTrailTest extends ApiTest {

    @Autowired
    Tasks tasks;

    @Autowired
    Transactions tx;

    @Autowired
    Workspaces workspaces;

    @Test
    void everyTrackedChangeWritesOneHistoryRowWithActorAndValues() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Audit");
        long id = fx.task(b[0], "Before", "priority", "low");
        http.patch("/api/v1/tasks/" + id, obj("title", "After", "priority", "high", "assignee", "ann", "epic", "E1",
                "due_date", "2030-05-01T12:00:00Z"));
        http.post("/api/v1/tasks/" + id + "/move", obj("column_id", b[3]));
        List<Map<String, Object>> rows = jdbc.sql("""
                select action, field, old_value, new_value, actor from task_history where task_id = :id order by id
                """).param("id", id).query().listOfRows();
        assertThat(rows).extracting(r -> r.get("actor")).containsOnly("tester");
        assertThat(rows).extracting(r -> r.get("field") + ":" + r.get("old_value") + "->" + r.get("new_value"))
                .containsExactly(
                        "null:null->Before",
                        "priority:low->high",
                        "assignee:null->ann",
                        "title:Before->After",
                        "due_date:null->2030-05-01T12:00:00Z",
                        "epic:null->E1",
                        "column:" + b[1] + "->" + b[3],
                        "status:pending->in_progress");
    }

    @Test
    void theActorOfTheTransactionIsRecorded() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Actor");
        long id = fx.task(b[0], "someone's");
        RequestContext agent = new RequestContext(workspaces.defaultWorkspaceId(), "agent-7", Role.AGENT);
        CurrentRequest.runAs(agent, () -> tasks.move(id, null, new MoveTask(b[4], null, null, null, null)));
        assertThat(jdbc.sql("select distinct actor from task_history where task_id = :id and field is not null")
                .param("id", id).query(String.class).list()).containsExactly("agent-7");
        assertThat(jdbc.sql("select actor from outbox_events where task_id = :id order by id desc limit 1")
                .param("id", id).query(String.class).single()).isEqualTo("agent-7");
    }

    @Test
    void aRolledBackChangeLeavesNoHistoryAndNoEvent() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Rollback");
        long id = fx.task(b[0], "stays put");
        long history = count("task_history");
        long events = count("outbox_events");
        RequestContext ctx = new RequestContext(workspaces.defaultWorkspaceId(), "tester", Role.ADMIN);
        assertThatThrownBy(() -> CurrentRequest.runAs(ctx, () -> tx.write(() -> {
            tasks.move(id, null, new MoveTask(b[4], null, null, null, null));
            throw new IllegalStateException("fail after the change, inside its transaction");
        }))).hasMessageContaining("fail after the change");
        assertThat(count("task_history")).isEqualTo(history);
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(fx.get(id).get("column_id").asLong()).isEqualTo(b[1]);
    }
}
