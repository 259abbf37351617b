package dev.agentkanban.board;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Requests as seed 002's clients send them: columns as plain names, comments as {@code text}. */
class Seed002CompatibilityTest extends ApiTest {

    @Test
    void aBoardTakesItsColumnsAsPlainNamesWithKindsInferred() {
        Response created = http.post(
                "/api/v1/boards",
                obj("name", "Seed style", "columns", List.of("Backlog", "In Progress", "Testing", "Done")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        JsonNode columns =
                http.get("/api/v1/boards/" + created.id() + "/columns").json();
        assertThat(columns.findValuesAsString("name")).containsExactly("Backlog", "In Progress", "Testing", "Done");
        assertThat(columns.findValuesAsString("kind")).containsExactly("backlog", "in_progress", "review", "done");
    }

    /**
     * Seed 002 lists its routes with a trailing slash ({@code /api/boards/}, {@code /api/tickets/}, FastAPI's
     * canonical form): with or without it, an API path names the same route, for reads and writes alike.
     */
    @Test
    void anApiPathWithATrailingSlashIsThePathWithoutIt() {
        Response created = http.post("/api/v1/boards/", obj("name", "Slashed"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).hasValue("/api/v1/boards/" + created.id());

        Response ticket = http.post("/api/v1/tickets/", obj("board_id", created.id(), "title", "slashed ticket"));
        assertThat(ticket.status()).as(ticket.body()).isEqualTo(201);
        assertThat(http.get("/api/v1/tickets/").json().get("total").asLong()).isGreaterThanOrEqualTo(1);

        Response read = http.get("/api/v1/tasks/" + ticket.id() + "/");
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.header("ETag")).hasValue("\"1\"");
        Response moved = http.post(
                "/api/v1/tickets/" + ticket.id() + "/move/", obj("column", "In Progress"), "If-Match", "\"1\"");
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(http.get("/api/v1/boards/" + created.id() + "/columns/")
                        .json()
                        .size())
                .isEqualTo(4);
        assertThat(http.get("/api/v1/no-such-thing/").status()).isEqualTo(404);
    }

    @Test
    void plainNamesAndColumnObjectsMixAndBlankNamesAreRefused() {
        Response mixed = http.post(
                "/api/v1/boards",
                obj(
                        "name",
                        "Mixed",
                        "columns",
                        List.of("Ideas", obj("name", "Doing", "kind", "in_progress", "wip_limit", 2))));
        assertThat(mixed.status()).as(mixed.body()).isEqualTo(201);
        JsonNode columns = http.get("/api/v1/boards/" + mixed.id() + "/columns").json();
        assertThat(columns.get(1).get("wip_limit").asInt()).isEqualTo(2);

        long boards = jdbc.sql("select count(*) from boards").query(Long.class).single();
        Response blank = http.post("/api/v1/boards", obj("name", "Blank", "columns", List.of(" ")));
        assertThat(blank.status()).as(blank.body()).isEqualTo(422);
        assertThat(jdbc.sql("select count(*) from boards").query(Long.class).single())
                .isEqualTo(boards);
    }

    /** Seed 002 replaces a board's columns with a list of names: a name the board has is that column, tasks and all. */
    @Test
    void replacingColumnsByPlainNamesKeepsTheColumnsThoseNamesAlreadyName() {
        Response board = http.post("/api/v1/boards", obj("name", "Renamed by names"));
        long id = board.id();
        JsonNode before = http.get("/api/v1/boards/" + id + "/columns").json();
        long doing = before.get(2).get("id").asLong();
        assertThat(http.patch("/api/v1/boards/" + id + "/columns/" + doing, obj("name", "In Progress", "wip_limit", 3))
                        .status())
                .isEqualTo(200);
        long task = http.post("/api/v1/tasks", obj("board_id", id, "title", "stays put", "column", "In Progress"))
                .id();

        Response replaced = http.put(
                "/api/v1/boards/" + id + "/columns",
                obj("columns", List.of("backlog", "To Do", "In Progress", "Review", "Done")));
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);

        JsonNode after = http.get("/api/v1/boards/" + id + "/columns").json();
        assertThat(after.findValuesAsString("name"))
                .containsExactly("backlog", "To Do", "In Progress", "Review", "Done");
        for (int i : new int[] {0, 1, 2}) {
            assertThat(after.get(i).get("id").asLong())
                    .isEqualTo(before.get(i).get("id").asLong());
        }
        assertThat(after.get(4).get("id").asLong())
                .isEqualTo(before.get(3).get("id").asLong());
        assertThat(after.get(2).get("wip_limit").asInt()).isEqualTo(3);
        assertThat(after.get(2).get("kind").asString()).isEqualTo("in_progress");
        assertThat(http.get("/api/v1/tasks/" + task).json().get("column_id").asLong())
                .isEqualTo(doing);

        // the bare array, as GET answers it, works too
        Response bare =
                http.put("/api/v1/boards/" + id + "/columns", List.of("Backlog", "To Do", "In Progress", "Done"));
        assertThat(bare.status()).as(bare.body()).isEqualTo(200);
        assertThat(http.get("/api/v1/boards/" + id + "/columns").json().findValuesAsString("name"))
                .containsExactly("Backlog", "To Do", "In Progress", "Done");
    }

    @Test
    void aCommentTakesItsTextAsTextOrBody() {
        long board = http.post("/api/v1/boards", obj("name", "Comments")).id();
        long task = http.post("/api/v1/tasks", obj("board_id", board, "title", "Talked about"))
                .id();

        Response seedStyle = http.post("/api/v1/tasks/" + task + "/comments", obj("text", "as seed 002 sends it"));
        assertThat(seedStyle.status()).as(seedStyle.body()).isEqualTo(201);
        assertThat(seedStyle.json().get("body").asString()).isEqualTo("as seed 002 sends it");
        assertThat(http.post("/api/v1/tasks/" + task + "/comments", obj("body", "as ours"))
                        .status())
                .isEqualTo(201);
        assertThat(http.post("/api/v1/tasks/" + task + "/comments", obj("text", ""))
                        .status())
                .isEqualTo(422);
    }

    /**
     * Seed 002's comment routes: {@code POST /api/comments/} with the ticket in the body and
     * {@code GET /api/comments/ticket/{id}} answered 404 (no such route).
     */
    @Test
    void seed002sCommentPathsAddAndListATasksComments() {
        long board = http.post("/api/v1/boards", obj("name", "Seed comments")).id();
        long task = http.post("/api/v1/tasks", obj("board_id", board, "title", "Discussed"))
                .id();

        Response added = http.post("/api/v1/comments", obj("ticket_id", task, "text", "posted the seed way"));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.header("Location")).hasValue("/api/v1/comments/" + added.id());
        assertThat(added.json().get("body").asString()).isEqualTo("posted the seed way");
        assertThat(added.json().get("author").asString()).isEqualTo("tester");

        Response listed = http.get("/api/v1/comments/ticket/" + task);
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(listed.json())
                .isEqualTo(http.get("/api/v1/tasks/" + task + "/comments").json());
        assertThat(listed.json().get("items").get(0).get("id").asLong()).isEqualTo(added.id());

        long comments =
                jdbc.sql("select count(*) from comments").query(Long.class).single();
        for (Object bad : List.of(
                obj("text", "no task"),
                obj("ticket_id", task, "text", ""),
                obj("ticket_id", "abc", "text", "x"),
                obj("ticket_id", 999999, "text", "x"))) {
            Response refused = http.post("/api/v1/comments", bad);
            assertThat(refused.status()).as(refused.body()).isIn(404, 422);
        }
        assertThat(http.post("/api/v1/comments", obj("ticket_id", 999999, "text", "x"))
                        .status())
                .isEqualTo(404);
        assertThat(jdbc.sql("select count(*) from comments").query(Long.class).single())
                .isEqualTo(comments);
        assertThat(http.get("/api/v1/comments/ticket/999999").status()).isEqualTo(404);
    }

    @Test
    void seed002sHistoryBulkAndBoardPathsAnswerAsOurs() {
        long board = http.post("/api/v1/boards", obj("name", "Seed paths")).id();
        long task = http.post("/api/v1/tasks", obj("board_id", board, "title", "Travelled"))
                .id();
        http.post("/api/v1/tasks/" + task + "/move", obj("column", "In Progress"));

        for (String kind : List.of("tasks", "tickets")) {
            Response history = http.get("/api/v1/history/" + kind + "/" + task + "/history");
            assertThat(history.status()).as(history.body()).isEqualTo(200);
            assertThat(history.json().get("items"))
                    .isEqualTo(http.get("/api/v1/tasks/" + task + "/history")
                            .json()
                            .get("items"));
            Response transitions = http.get("/api/v1/history/" + kind + "/" + task + "/transitions");
            assertThat(transitions.status()).as(transitions.body()).isEqualTo(200);
            assertThat(transitions.json().get("transitions")).hasSize(2);
        }
        Response activity = http.get("/api/v1/history/boards/" + board + "/activity");
        assertThat(activity.status()).as(activity.body()).isEqualTo(200);
        assertThat(activity.json().get("items")).isNotEmpty();
        Response state = http.get("/api/v1/boards/" + board + "/tickets");
        assertThat(state.status()).as(state.body()).isEqualTo(200);
        assertThat(state.json()
                        .get("columns")
                        .get(2)
                        .get("tasks")
                        .get(0)
                        .get("id")
                        .asLong())
                .isEqualTo(task);

        Response bulk = http.post(
                "/api/v1/bulk/tickets/priority", obj("ticket_ids", List.of(task, 999999L), "priority", "critical"));
        assertThat(bulk.status()).as(bulk.body()).isEqualTo(200);
        assertThat(bulk.json().get("successful").asInt()).isEqualTo(1);
        assertThat(bulk.json().get("failed").asInt()).isEqualTo(1);
        assertThat(http.get("/api/v1/tasks/" + task).json().get("priority").asString())
                .isEqualTo("urgent");
        assertThat(http.get("/api/v1/history/tickets/999999/history").status()).isEqualTo(404);
    }

    /**
     * Seed 002's tickets name their column {@code current_column} and its bulk move names the target
     * {@code target_column}: both were ignored (a create landed in the first column, a move answered 422).
     */
    @Test
    void seed002sColumnFieldNamesPlaceAndMoveTasks() {
        long board = http.post("/api/v1/boards", obj("name", "Seed columns")).id();
        Response created =
                http.post("/api/v1/tasks", obj("board_id", board, "title", "Placed", "current_column", "In Progress"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("column").asString()).isEqualTo("In Progress");
        long task = created.id();

        Response moved = http.post("/api/v1/tasks/" + task + "/move", obj("target_column", "To Do"));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.json().get("column").asString()).isEqualTo("To Do");

        Response bulk = http.post(
                "/api/v1/bulk/tickets/move", obj("ticket_ids", List.of(task, 999999L), "target_column", "Done"));
        assertThat(bulk.status()).as(bulk.body()).isEqualTo(200);
        assertThat(bulk.json().get("successful").asInt()).isEqualTo(1);
        assertThat(bulk.json().get("failed").asInt()).isEqualTo(1);
        JsonNode after = http.get("/api/v1/tasks/" + task).json();
        assertThat(after.get("column").asString()).isEqualTo("Done");
        assertThat(after.get("status").asString()).isEqualTo("completed");
    }

    /** Seed 002's ticket routes ({@code /api/tickets/...}) answered 404: they are the task routes under that name. */
    @Test
    void seed002sTicketRoutesAreTheTaskRoutes() {
        long board = http.post("/api/v1/boards", obj("name", "Seed tickets")).id();
        Response created =
                http.post("/api/v1/tickets", obj("board_id", board, "title", "A ticket", "current_column", "To Do"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long ticket = created.id();
        assertThat(created.json().get("column").asString()).isEqualTo("To Do");

        Response read = http.get("/api/v1/tickets/" + ticket);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.header("ETag")).hasValue("\"1\"");
        assertThat(http.get("/api/v1/tickets?board_id=" + board)
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(1);
        Response edited = http.put("/api/v1/tickets/" + ticket, obj("title", "A ticket, edited", "priority", "high"));
        assertThat(edited.status()).as(edited.body()).isEqualTo(200);
        Response patched = http.patch("/api/v1/tickets/" + ticket, obj("assignee", "ann"), "If-Match", "\"2\"");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        Response moved = http.post("/api/v1/tickets/" + ticket + "/move", obj("target_column", "Done"));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        JsonNode task = http.get("/api/v1/tasks/" + ticket).json();
        assertThat(task.get("title").asString()).isEqualTo("A ticket, edited");
        assertThat(task.get("assignee").asString()).isEqualTo("ann");
        assertThat(task.get("status").asString()).isEqualTo("completed");

        assertThat(http.delete("/api/v1/tickets/" + ticket).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/tickets/" + ticket).status()).isEqualTo(404);
        Http viewer = clientFor("ticket-viewer", defaultWorkspace, Role.VIEWER);
        assertThat(viewer.post("/api/v1/tickets", obj("board_id", board, "title", "not mine to add"))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void aBoardUpdatedWithItsColumnsChangesThemInTheSameWrite() {
        long board = http.post("/api/v1/boards", obj("name", "Updated whole")).id();
        long task = http.post("/api/v1/tasks", obj("board_id", board, "title", "Keeps its column", "column", "To Do"))
                .id();

        Response put = http.put(
                "/api/v1/boards/" + board,
                obj("name", "Renamed whole", "columns", List.of("Backlog", "To Do", "Testing", "Done")));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("name").asString()).isEqualTo("Renamed whole");
        assertThat(put.json().get("columns").findValuesAsString("name"))
                .containsExactly("Backlog", "To Do", "Testing", "Done");
        assertThat(put.header("ETag"))
                .hasValueSatisfying(e ->
                        assertThat(e).isEqualTo("\"" + put.json().get("version").asLong() + "\""));
        assertThat(http.get("/api/v1/tasks/" + task).json().get("column").asString())
                .isEqualTo("To Do");

        Response patch = http.patch("/api/v1/boards/" + board, obj("columns", List.of("Backlog", "To Do", "Done")));
        assertThat(patch.status()).as(patch.body()).isEqualTo(200);
        assertThat(patch.json().get("name").asString()).isEqualTo("Renamed whole");
        assertThat(patch.json().get("columns").findValuesAsString("name")).containsExactly("Backlog", "To Do", "Done");

        // a column that holds a task cannot go: nothing of the update is written
        Response refused = http.put("/api/v1/boards/" + board, obj("name", "Not this", "columns", List.of("Done")));
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        JsonNode after = http.get("/api/v1/boards/" + board).json();
        assertThat(after.get("name").asString()).isEqualTo("Renamed whole");
        assertThat(after.get("columns").findValuesAsString("name")).containsExactly("Backlog", "To Do", "Done");
    }
}
