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
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskRequests.MoveTask;
import java.util.List;
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
        assertThat(http.patch(
                                "/api/v1/tasks/" + id,
                                obj(
                                        "title",
                                        "After",
                                        "priority",
                                        "high",
                                        "assignee",
                                        "ann",
                                        "epic",
                                        "E1",
                                        "due_date",
                                        "2030-05-01T12:00:00Z",
                                        "description",
                                        "what it is about"))
                        .status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/tasks/" + id + "/move", obj("column_id", b[3]))
                        .status())
                .isEqualTo(200);
        // by content: the order of the rows one statement writes is the trigger's business
        assertThat(trail(id))
                .containsExactlyInAnyOrder(
                        "created:null:null->Before by tester",
                        "updated:priority:low->high by tester",
                        "updated:assignee:null->ann by tester",
                        "updated:title:Before->After by tester",
                        "updated:due_date:null->2030-05-01T12:00:00Z by tester",
                        "updated:epic:null->E1 by tester",
                        "updated:description:null->null by tester",
                        "moved:column:" + b[1] + "->" + b[3] + " by tester",
                        "status_changed:status:pending->in_progress by tester");
    }

    /**
     * A description change is recorded (without its text, which may be long), once per change: setting
     * the same text again, or changing another field, records no description change.
     */
    @Test
    void aDescriptionChangeIsRecordedOncePerChange() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Descriptions");
        long id = fx.task(b[0], "Described", "description", "first");
        assertThat(http.patch("/api/v1/tasks/" + id, obj("description", "second"))
                        .status())
                .isEqualTo(200);
        assertThat(http.patch("/api/v1/tasks/" + id, obj("description", "second"))
                        .status())
                .isEqualTo(200);
        assertThat(http.patch("/api/v1/tasks/" + id, obj("title", "Still described"))
                        .status())
                .isEqualTo(200);
        Response cleared = clientFor("agent-9", defaultWorkspace, Role.AGENT)
                .patch("/api/v1/tasks/" + id, obj("description", null));
        assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);

        assertThat(trail(id))
                .filteredOn(row -> row.contains(":description:"))
                .containsExactlyInAnyOrder(
                        "updated:description:null->null by tester", "updated:description:null->null by agent-9");
        assertThat(fx.get(id).path("description").isMissingNode()
                        || fx.get(id).get("description").isNull())
                .as("description cleared")
                .isTrue();
        List<String> fields =
                http.get("/api/v1/tasks/" + id + "/history").json().get("items").findValuesAsString("field");
        assertThat(fields.stream().filter("description"::equals)).hasSize(2);
    }

    /** Every history row of a task as "action:field:old->new by actor". */
    private List<String> trail(long task) {
        return jdbc.sql("select action, field, old_value, new_value, actor from task_history where task_id = :id")
                .param("id", task)
                .query((rs, n) -> rs.getString("action") + ":" + rs.getString("field") + ":" + rs.getString("old_value")
                        + "->" + rs.getString("new_value") + " by " + rs.getString("actor"))
                .list();
    }

    @Test
    void theActorOfTheTransactionIsRecorded() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Actor");
        long id = fx.task(b[0], "someone's");
        RequestContext agent = new RequestContext(workspaces.defaultWorkspaceId(), "agent-7", Role.AGENT);
        CurrentRequest.runAs(agent, () -> tasks.move(id, null, new MoveTask(b[4], null, null, null, null)));
        assertThat(jdbc.sql("select distinct actor from task_history where task_id = :id and field is not null")
                        .param("id", id)
                        .query(String.class)
                        .list())
                .containsExactly("agent-7");
        assertThat(jdbc.sql("select actor from outbox_events where task_id = :id order by id desc limit 1")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .isEqualTo("agent-7");
    }

    @Test
    void aRolledBackChangeLeavesNoHistoryAndNoEvent() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Rollback");
        long id = fx.task(b[0], "stays put");
        long history = count("task_history");
        // this board's events: the reminder scan may append others' in the background meanwhile
        long events = count("outbox_events where board_id = " + b[0]);
        RequestContext ctx = new RequestContext(workspaces.defaultWorkspaceId(), "tester", Role.ADMIN);
        assertThatThrownBy(() -> CurrentRequest.runAs(
                        ctx,
                        () -> tx.write(() -> {
                            tasks.move(id, null, new MoveTask(b[4], null, null, null, null));
                            throw new IllegalStateException("fail after the change, inside its transaction");
                        })))
                .hasMessageContaining("fail after the change");
        assertThat(count("task_history")).isEqualTo(history);
        assertThat(count("outbox_events where board_id = " + b[0])).isEqualTo(events);
        assertThat(fx.get(id).get("column_id").asLong()).isEqualTo(b[1]);
    }
}
