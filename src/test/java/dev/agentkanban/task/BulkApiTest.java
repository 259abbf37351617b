package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class BulkApiTest extends ApiTest {

    @Test
    void bulkMoveReportsEachItemAndAppliesTheGoodOnes() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Bulk move");
        long x = fx.task(b[0], "x");
        long y = fx.task(b[0], "y");
        Response r = http.post("/api/v1/bulk/tasks/move", obj("task_ids", List.of(x, 999999, y), "column", "Done"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("total_requested").asInt()).isEqualTo(3);
        assertThat(body.get("successful").asInt()).isEqualTo(2);
        assertThat(body.get("failed").asInt()).isEqualTo(1);
        assertThat(body.get("results").get(1).get("success").asBoolean()).isFalse();
        assertThat(body.get("results").get(1).get("error").asString()).contains("999999");
        assertThat(body.get("results").get(0).has("error")).isFalse();
        assertThat(fx.get(x).get("status").asString()).isEqualTo("completed");
        assertThat(fx.get(y).get("column_id").asLong()).isEqualTo(b[4]);
        assertThat(jdbc.sql("select count(*) from outbox_events where type = 'bulk_update' and board_id = :b")
                        .param("b", b[0])
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void bulkMoveOfSeveralTasksToOnePositionKeepsTheOrderGiven() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Bulk order");
        long there = fx.task(b[0], "already there", "column_id", b[2]);
        long p = fx.task(b[0], "p");
        long q = fx.task(b[0], "q");
        long r = fx.task(b[0], "r");
        Response moved = http.post(
                "/api/v1/bulk/tasks/move", obj("task_ids", List.of(p, q, r, q), "column_id", b[2], "position", 0));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(fx.order(b[2])).containsExactly(p, q, r, there);
        // reported in the order requested, the repeat last as before
        assertThat(moved.json()
                        .get("results")
                        .valueStream()
                        .map(x -> x.get("task_id").asLong()))
                .containsExactly(p, q, r, q);
        assertThat(moved.json().get("results").get(3).get("success").asBoolean())
                .isFalse();
    }

    /** Every requested item is reported: a task listed twice is handled once and its repeat says so. */
    @Test
    void aTaskListedTwiceIsHandledOnceAndTheRepeatIsReported() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Bulk twice");
        long x = fx.task(b[0], "x");
        Response r = http.post("/api/v1/bulk/tasks/priority", obj("task_ids", List.of(x, x), "priority", "high"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("total_requested").asInt()).isEqualTo(2);
        assertThat(body.get("successful").asInt()).isEqualTo(1);
        assertThat(body.get("failed").asInt()).isEqualTo(1);
        assertThat(body.get("results").get(1).get("error").asString()).contains("more than once");
        assertThat(fx.get(x).get("version").asLong()).isEqualTo(2);
    }

    @Test
    void bulkPriorityAndAssignChangeOnlyThatField() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Bulk fields");
        long x = fx.task(b[0], "x", "assignee", "ann", "epic", "E");
        long y = fx.task(b[0], "y");
        Response p = http.post("/api/v1/bulk/tasks/priority", obj("task_ids", List.of(x, y), "priority", "critical"));
        assertThat(p.json().get("successful").asInt()).isEqualTo(2);
        assertThat(fx.get(x).get("priority").asString()).isEqualTo("urgent");
        assertThat(fx.get(x).get("assignee").asString()).isEqualTo("ann");
        Response a = http.post("/api/v1/bulk/tasks/assign", obj("task_ids", List.of(x, y), "assignee", "bob"));
        assertThat(a.json().get("successful").asInt()).isEqualTo(2);
        assertThat(fx.get(y).get("assignee").asString()).isEqualTo("bob");
        assertThat(fx.get(x).get("epic").asString()).isEqualTo("E");
    }

    /**
     * Seed 002's bulk priority sends a priority per task ({@code updates: [{ticket_id, priority}]}); it was
     * refused (422, priority missing). Each item is reported on its own, as in the other form.
     */
    @Test
    void bulkPriorityTakesSeed002sPriorityPerTask() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Bulk per task");
        long x = fx.task(b[0], "x");
        long y = fx.task(b[0], "y");
        Response r = http.post(
                "/api/v1/bulk/tickets/priority",
                obj(
                        "updates",
                        List.of(
                                obj("ticket_id", x, "priority", "high"),
                                obj("task_id", y, "priority", "critical"),
                                obj("ticket_id", 999999, "priority", "low"),
                                obj("ticket_id", x, "priority", "low"))));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("total_requested").asInt()).isEqualTo(4);
        assertThat(body.get("successful").asInt()).isEqualTo(2);
        assertThat(body.get("failed").asInt()).isEqualTo(2);
        assertThat(body.get("results").valueStream().map(i -> i.get("task_id").asLong()))
                .containsExactly(x, y, 999999L, x);
        assertThat(fx.get(x).get("priority").asString()).isEqualTo("high");
        assertThat(fx.get(y).get("priority").asString()).isEqualTo("urgent");

        long events = count("outbox_events");
        for (Object bad : List.of(
                obj("updates", List.of()),
                obj("updates", List.of(obj("ticket_id", x))),
                obj("updates", List.of(obj("ticket_id", x, "priority", "huge"))),
                obj("updates", List.of(obj("ticket_id", x, "priority", "low")), "priority", "low"))) {
            Response refused = http.post("/api/v1/bulk/tasks/priority", bad);
            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        }
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(fx.get(x).get("priority").asString()).isEqualTo("high");
    }

    @Test
    void badBulkRequestsAre4xxAndChangeNothing() {
        long events = count("outbox_events");
        assertThat(http.post("/api/v1/bulk/tasks/move", obj("task_ids", List.of(), "column", "Done"))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/bulk/tasks/move", obj("task_ids", List.of(1)))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/bulk/tasks/priority", obj("task_ids", List.of(1), "priority", "huge"))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/bulk/tasks/assign", obj("task_ids", "1,2"))
                        .status())
                .isEqualTo(422);
        assertThat(count("outbox_events")).isEqualTo(events);
    }
}
