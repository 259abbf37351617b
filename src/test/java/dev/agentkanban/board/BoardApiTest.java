package dev.agentkanban.board;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoardApiTest extends ApiTest {

    @Test
    void creatingABoardWithoutColumnsGivesTheDefaultColumns() {
        Response r = http.post("/api/v1/boards", obj("name", "Roadmap"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Location")).hasValue("/api/v1/boards/" + r.id());
        assertThat(r.header("ETag")).hasValue("\"1\"");
        assertThat(r.json().get("columns").findValuesAsString("name")).containsExactly("Backlog", "To Do", "In Progress", "Done");
        assertThat(r.json().get("columns").findValuesAsString("kind")).containsExactly("backlog", "todo", "in_progress", "done");
        assertThat(count("outbox_events")).isPositive();
    }

    @Test
    void boardsAreListedWithPaging() {
        http.post("/api/v1/boards", obj("name", "A"));
        http.post("/api/v1/boards", obj("name", "B"));
        Response r = http.get("/api/v1/boards?limit=1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("items")).hasSize(1);
        assertThat(r.json().get("limit").asInt()).isEqualTo(1);
        assertThat(r.json().get("total").asLong()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void updatingWithAStaleVersionIsRefusedAndChangesNothing() {
        long id = http.post("/api/v1/boards", obj("name", "Old")).id();
        Response ok = http.patch("/api/v1/boards/" + id, obj("name", "New"), "If-Match", "\"1\"");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("ETag")).hasValue("\"2\"");
        Response stale = http.patch("/api/v1/boards/" + id, obj("name", "Newer"), "If-Match", "\"1\"");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(http.get("/api/v1/boards/" + id).json().get("name").asString()).isEqualTo("New");
    }

    @Test
    void columnsCanBeAddedRenamedReorderedAndRemoved() {
        long id = http.post("/api/v1/boards", obj("name", "Cols")).id();
        List<Long> ids = http.get("/api/v1/boards/" + id + "/columns").json().findValues("id").stream().map(n -> n.asLong()).toList();
        Response r = http.put("/api/v1/boards/" + id + "/columns", obj("columns", List.of(
                obj("id", ids.get(3), "name", "Shipped"),
                obj("id", ids.get(1), "name", "To Do", "wip_limit", 3),
                obj("name", "Review", "kind", "review"))));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().findValuesAsString("name")).containsExactly("Shipped", "To Do", "Review");
        assertThat(r.json().get(0).get("kind").asString()).isEqualTo("done");
        assertThat(r.json().get(1).get("wip_limit").asInt()).isEqualTo(3);
    }

    @Test
    void aColumnHoldingTasksCannotBeRemoved() {
        long id = http.post("/api/v1/boards", obj("name", "Busy")).id();
        long col = http.get("/api/v1/boards/" + id + "/columns").json().get(0).get("id").asLong();
        jdbc.sql("insert into tasks (workspace_id, board_id, column_id, position, title) select workspace_id, board_id, id, 1, 't' from board_columns where id = :c")
                .param("c", col).update();
        Response r = http.delete("/api/v1/boards/" + id + "/columns/" + col);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.header("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    }

    @Test
    void deletingABoardCascadesToItsColumnsAndTasks() {
        long id = http.post("/api/v1/boards", obj("name", "Doomed")).id();
        long col = http.get("/api/v1/boards/" + id + "/columns").json().get(0).get("id").asLong();
        jdbc.sql("insert into tasks (workspace_id, board_id, column_id, position, title) select workspace_id, board_id, id, 1, 't' from board_columns where id = :c")
                .param("c", col).update();
        assertThat(http.delete("/api/v1/boards/" + id).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/boards/" + id).status()).isEqualTo(404);
        assertThat(jdbc.sql("select count(*) from tasks where board_id = :b").param("b", id).query(Long.class).single()).isZero();
    }
}
