package dev.agentkanban.board;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
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
}
