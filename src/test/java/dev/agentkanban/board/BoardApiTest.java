package dev.agentkanban.board;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class BoardApiTest extends ApiTest {

    @Test
    void namesAreMeasuredInCharactersNotInUtf16Units() {
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
        Response fits = http.post("/api/v1/boards", obj("name", emoji.repeat(200)));
        assertThat(fits.status()).as(fits.body()).isEqualTo(201);
        Response tooLong = http.post("/api/v1/boards", obj("name", emoji.repeat(201)));
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.body()).contains("must be at most 200 characters");
        Response column = http.post("/api/v1/boards/" + fits.id() + "/columns", obj("name", emoji.repeat(100)));
        assertThat(column.status()).as(column.body()).isEqualTo(201);
        Response tag = http.post("/api/v1/tags", obj("name", emoji.repeat(50)));
        assertThat(tag.status()).as(tag.body()).isEqualTo(201);
        assertThat(http.post("/api/v1/tags", obj("name", "x" + emoji.repeat(50)))
                        .status())
                .isEqualTo(422);
    }

    @Test
    void creatingABoardWithoutColumnsGivesTheDefaultColumns() {
        Response r = http.post("/api/v1/boards", obj("name", "Roadmap"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Location")).hasValue("/api/v1/boards/" + r.id());
        assertThat(r.header("ETag")).hasValue("\"1\"");
        assertThat(r.json().get("columns").findValuesAsString("name"))
                .containsExactly("Backlog", "To Do", "In Progress", "Done");
        assertThat(r.json().get("columns").findValuesAsString("kind"))
                .containsExactly("backlog", "todo", "in_progress", "done");
        Event created = single(eventsOf(r.id(), 0));
        assertThat(created.type()).isEqualTo("board_created");
        assertThat(created.actor()).isEqualTo("tester");
        assertThat(created.payload().get("id").asLong()).isEqualTo(r.id());
        assertThat(created.payload().get("name").asString()).isEqualTo("Roadmap");
        assertThat(created.payload().get("columns").findValuesAsString("name"))
                .containsExactly("Backlog", "To Do", "In Progress", "Done");
    }

    /** Column names are unique per board ignoring case, as a column is found by name ignoring case. */
    @Test
    void columnNamesAreUniqueIgnoringCase() {
        Response twins = http.post("/api/v1/boards", obj("name", "Twins", "columns", List.of("A", "a")));
        assertThat(twins.status())
                .as("a duplicate within the request is a duplicate too")
                .isEqualTo(409);
        assertThat(twins.json().get("type").asString()).endsWith("/duplicate");
        long board = http.post("/api/v1/boards", obj("name", "Case")).id();
        JsonNode before = http.get("/api/v1/boards/" + board + "/columns").json();
        List<Object> renamedTwice = List.of(
                obj("id", before.get(0).get("id").asLong(), "name", "Same"),
                obj("id", before.get(1).get("id").asLong(), "name", "SAME"),
                obj("id", before.get(2).get("id").asLong(), "name", "In Progress"),
                obj("id", before.get(3).get("id").asLong(), "name", "Done"));
        Response put = http.put("/api/v1/boards/" + board + "/columns", obj("columns", renamedTwice));
        assertThat(put.status()).as(put.body()).isEqualTo(409);
        assertThat(put.json().get("type").asString()).endsWith("/duplicate");
        Response added = http.post("/api/v1/boards/" + board + "/columns", obj("name", "to do"));
        assertThat(added.status()).as(added.body()).isEqualTo(409);
        long doing = http.get("/api/v1/boards/" + board + "/columns")
                .json()
                .get(2)
                .get("id")
                .asLong();
        assertThat(http.patch("/api/v1/boards/" + board + "/columns/" + doing, obj("name", "DONE"))
                        .status())
                .isEqualTo(409);
        assertThat(http.patch("/api/v1/boards/" + board + "/columns/" + doing, obj("name", "in progress"))
                        .status())
                .as("a column may change the case of its own name")
                .isEqualTo(200);
        assertThat(http.get("/api/v1/boards/" + board + "/columns").json().findValuesAsString("name"))
                .containsExactly("Backlog", "To Do", "in progress", "Done");
    }

    /** A column becomes a done column, or stops being one, only while empty: its tasks' status follows it. */
    @Test
    void aColumnChangesToOrFromDoneOnlyWhileEmpty() {
        long board = http.post("/api/v1/boards", obj("name", "Kinds")).id();
        JsonNode columns = http.get("/api/v1/boards/" + board + "/columns").json();
        long doing = columns.get(2).get("id").asLong();
        long done = columns.get(3).get("id").asLong();
        long task = http.post("/api/v1/tasks", obj("board_id", board, "title", "busy", "column_id", doing))
                .id();

        Response refused =
                http.patch("/api/v1/boards/" + board + "/columns/" + doing, obj("name", "In Progress", "kind", "done"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).endsWith("column-not-empty");
        List<Object> asDone = List.of(
                obj("id", columns.get(0).get("id").asLong(), "name", "Backlog"),
                obj("id", columns.get(1).get("id").asLong(), "name", "To Do"),
                obj("id", doing, "name", "In Progress", "kind", "done"),
                obj("id", done, "name", "Done"));
        assertThat(http.put("/api/v1/boards/" + board + "/columns", obj("columns", asDone))
                        .status())
                .isEqualTo(409);
        assertThat(http.get("/api/v1/boards/" + board + "/columns")
                        .json()
                        .get(2)
                        .get("kind")
                        .asString())
                .isEqualTo("in_progress");
        assertThat(http.get("/api/v1/tasks/" + task).json().get("status").asString())
                .isEqualTo("in_progress");

        // an empty column changes kind freely
        assertThat(http.patch("/api/v1/boards/" + board + "/columns/" + done, obj("name", "Done", "kind", "review"))
                        .status())
                .isEqualTo(200);
    }

    /**
     * Every change of a board and its tasks appends exactly one event of its type, naming the board
     * and task, with the changed state as its payload; a refused change appends none.
     */
    @Test
    void everyChangeAppendsOneEventOfItsTypeWithTheNewStateAsPayload() {
        long board = http.post("/api/v1/boards", obj("name", "Events")).id();
        long mark = lastEventId();
        assertThat(http.patch("/api/v1/boards/" + board, obj("name", "Events renamed"))
                        .status())
                .isEqualTo(200);
        List<Long> columns = http.get("/api/v1/boards/" + board + "/columns").json().findValues("id").stream()
                .map(n -> n.asLong())
                .toList();
        Response put = http.put(
                "/api/v1/boards/" + board + "/columns",
                obj(
                        "columns",
                        List.of(
                                obj("id", columns.get(0), "name", "Backlog"),
                                        obj("id", columns.get(1), "name", "Next", "wip_limit", 5),
                                obj("id", columns.get(2), "name", "In Progress"),
                                        obj("id", columns.get(3), "name", "Done"))));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        long task = http.post("/api/v1/tasks", obj("board_id", board, "title", "Evented", "column_id", columns.get(0)))
                .id();
        assertThat(http.patch("/api/v1/tasks/" + task, obj("title", "Evented again"))
                        .status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/tasks/" + task + "/move", obj("column_id", columns.get(1)))
                        .status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/tasks/" + task + "/claim", obj()).status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/tasks/" + task + "/release", obj()).status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/tasks/" + task + "/complete", obj()).status())
                .isEqualTo(200);
        assertThat(http.patch("/api/v1/tasks/" + task, obj("title", "stale"), "If-Match", "\"1\"")
                        .status())
                .isEqualTo(412);
        assertThat(http.delete("/api/v1/tasks/" + task).status()).isEqualTo(204);
        assertThat(http.delete("/api/v1/boards/" + board).status()).isEqualTo(204);

        List<Event> events = eventsOf(board, mark);
        assertThat(events)
                .extracting(Event::type)
                .containsExactly(
                        "board_updated",
                        "columns_updated",
                        "task_created",
                        "task_updated",
                        "task_moved",
                        "task_claimed",
                        "task_released",
                        "task_completed",
                        "task_deleted",
                        "board_deleted");
        assertThat(events).allSatisfy(e -> assertThat(e.actor()).isEqualTo("tester"));
        assertThat(events.subList(0, 2)).allSatisfy(e -> assertThat(e.taskId()).isNull());
        assertThat(events.subList(2, 9)).allSatisfy(e -> {
            assertThat(e.taskId()).as(e.type()).isEqualTo(task);
            assertThat(e.payload().get("task").get("id").asLong()).as(e.type()).isEqualTo(task);
        });

        assertThat(events.get(0).payload().get("name").asString()).isEqualTo("Events renamed");
        JsonNode cols = events.get(1).payload();
        assertThat(cols.get("board_id").asLong()).isEqualTo(board);
        assertThat(cols.get("columns").findValuesAsString("name"))
                .containsExactly("Backlog", "Next", "In Progress", "Done");
        assertThat(cols.get("columns").get(1).get("wip_limit").asInt()).isEqualTo(5);
        assertThat(task(events.get(2)).get("title").asString()).isEqualTo("Evented");
        assertThat(task(events.get(2)).get("column_id").asLong()).isEqualTo(columns.get(0));
        assertThat(task(events.get(3)).get("title").asString()).isEqualTo("Evented again");
        assertThat(task(events.get(4)).get("column_id").asLong()).isEqualTo(columns.get(1));
        assertThat(events.get(4).payload().get("from_column_id").asLong()).isEqualTo(columns.get(0));
        assertThat(task(events.get(5)).get("claimed_by").asString()).isEqualTo("tester");
        assertThat(task(events.get(6)).get("claimed_by").isNull())
                .as("claimed_by after the release")
                .isTrue();
        assertThat(task(events.get(7)).get("status").asString()).isEqualTo("completed");
        assertThat(task(events.get(7)).get("column_id").asLong())
                .as("the done column")
                .isEqualTo(columns.get(3));
        assertThat(events.get(7).payload().get("from_column_id").asLong()).isEqualTo(columns.get(1));
        assertThat(task(events.get(8)).get("title").asString()).isEqualTo("Evented again");
        assertThat(events.get(9).payload().get("id").asLong()).isEqualTo(board);
        assertThat(events.get(9).payload().get("name").asString()).isEqualTo("Events renamed");
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
        long mark = lastEventId();
        Response ok = http.patch("/api/v1/boards/" + id, obj("name", "New"), "If-Match", "\"1\"");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("ETag")).hasValue("\"2\"");
        Response stale = http.patch("/api/v1/boards/" + id, obj("name", "Newer"), "If-Match", "\"1\"");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(http.get("/api/v1/boards/" + id).json().get("name").asString())
                .isEqualTo("New");
        assertThat(eventsOf(id, mark)).extracting(Event::type).containsExactly("board_updated");
    }

    /**
     * Board and column writes share the task writes' preconditions: an {@code If-Match} list passes when
     * any listed ETag is the board's version, and {@code If-None-Match: *} (the board must not exist) is a
     * 412 that changes nothing.
     */
    @Test
    void boardWritesTakeAnIfMatchListAndRefuseIfNoneMatchStar() {
        long id = http.post("/api/v1/boards", obj("name", "Listed")).id();
        String board = "/api/v1/boards/" + id;

        Response listed = http.patch(board, obj("name", "Listed 2"), "If-Match", "\"9\", \"1\"");
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(listed.header("ETag")).hasValue("\"2\"");
        Response added = http.post(board + "/columns", obj("name", "Extra"), "If-Match", "W/\"1\", \"2\"");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(http.patch(board, obj("name", "x"), "If-Match", "\"1\", \"2\"")
                        .status())
                .isEqualTo(412);

        long version = http.get(board).json().get("version").asLong();
        assertThat(http.patch(board, obj("name", "x"), "If-None-Match", "*").status())
                .isEqualTo(412);
        assertThat(http.post(board + "/columns", obj("name", "Extra2"), "If-None-Match", "*")
                        .status())
                .isEqualTo(412);
        assertThat(http.delete(board, "If-None-Match", "*").status()).isEqualTo(412);
        JsonNode kept = http.get(board).json();
        assertThat(kept.get("name").asString()).isEqualTo("Listed 2");
        assertThat(kept.get("version").asLong()).isEqualTo(version);
    }

    @Test
    void columnsCanBeAddedRenamedReorderedAndRemoved() {
        long id = http.post("/api/v1/boards", obj("name", "Cols")).id();
        List<Long> ids = http.get("/api/v1/boards/" + id + "/columns").json().findValues("id").stream()
                .map(n -> n.asLong())
                .toList();
        Response r = http.put(
                "/api/v1/boards/" + id + "/columns",
                obj(
                        "columns",
                        List.of(
                                obj("id", ids.get(3), "name", "Shipped"),
                                obj("id", ids.get(1), "name", "To Do", "wip_limit", 3),
                                obj("name", "Review", "kind", "review"))));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().findValuesAsString("name")).containsExactly("Shipped", "To Do", "Review");
        assertThat(r.json().get(0).get("kind").asString()).isEqualTo("done");
        assertThat(r.json().get(1).get("wip_limit").asInt()).isEqualTo(3);
    }

    @Test
    void columnWritesAndArchivingRefuseAStaleIfMatch() {
        long id = http.post("/api/v1/boards", obj("name", "Guarded columns")).id();
        String board = "/api/v1/boards/" + id;
        http.patch(board, obj("name", "Guarded columns, v2"));
        long first = http.get(board + "/columns").json().get(0).get("id").asLong();

        long added = guarded(id, m -> http.post(board + "/columns", obj("name", "Extra2"), "If-Match", m), 201)
                .id();
        guarded(id, m -> http.patch(board + "/columns/" + added, obj("wip_limit", 3), "If-Match", m), 200);
        assertThat(http.get(board + "/columns/" + added).json().get("wip_limit").asInt())
                .isEqualTo(3);
        guarded(id, m -> http.delete(board + "/columns/" + added, "If-Match", m), 204);
        guarded(id, m -> http.patch(board + "/columns/" + first, obj("name", "Ideas"), "If-Match", m), 200);
        guarded(id, m -> http.post(board + "/archive", null, "If-Match", m), 200);
        guarded(id, m -> http.post(board + "/restore", null, "If-Match", m), 200);

        // without If-Match nothing changes: the precondition is optional
        assertThat(http.post(board + "/columns", obj("name", "Free")).status()).isEqualTo(201);
    }

    @Test
    void columnResponsesCarryTheBoardsVersionAsETagForTheNextWrite() {
        long id = http.post("/api/v1/boards", obj("name", "Column ETags")).id();
        String board = "/api/v1/boards/" + id;

        Response listed = http.get(board + "/columns");
        assertThat(listed.header("ETag")).hasValue("\"1\"");
        long first = listed.json().get(0).get("id").asLong();
        assertThat(http.get(board + "/columns/" + first).header("ETag")).hasValue("\"1\"");

        // each write answers the version the next write sends as If-Match: no GET of the board between
        Response added = http.post(board + "/columns", obj("name", "Extra"), "If-Match", "\"1\"");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        String afterAdd = added.header("ETag").orElseThrow();
        Response renamed = http.patch(board + "/columns/" + first, obj("name", "Ideas"), "If-Match", afterAdd);
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        String afterRename = renamed.header("ETag").orElseThrow();
        assertThat(afterRename).isNotEqualTo(afterAdd);
        assertThat(http.get(board).header("ETag")).hasValue(afterRename);
        assertThat(http.get(board + "/columns").header("ETag")).hasValue(afterRename);
        assertThat(http.patch(board + "/columns/" + first, obj("name", "Stale"), "If-Match", afterAdd)
                        .status())
                .isEqualTo(412);
        assertThat(http.get(board + "/columns/999999").status()).isEqualTo(404);

        // removing a column is a 204 that still answers the board's new version
        Response removed = http.delete(board + "/columns/" + added.id(), "If-Match", afterRename);
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        String afterRemove = removed.header("ETag").orElseThrow();
        assertThat(afterRemove).isNotEqualTo(afterRename);
        assertThat(http.get(board).header("ETag")).hasValue(afterRemove);
        assertThat(http.patch(board + "/columns/" + first, obj("wip_limit", 2), "If-Match", afterRemove)
                        .status())
                .isEqualTo(200);
    }

    /**
     * {@code write} with a version older than the board's as If-Match is a 412 {@code stale-version} that
     * leaves the board (its version and columns) as it was; with the current ETag it answers {@code status}.
     */
    private Response guarded(long board, Function<String, Response> write, int status) {
        Response before = http.get("/api/v1/boards/" + board);
        String current = before.header("ETag").orElseThrow();
        long version = before.json().get("version").asLong();
        assertThat(version).isGreaterThan(1);

        Response stale = write.apply("\"" + (version - 1) + "\"");
        assertThat(stale.status()).as(stale.body()).isEqualTo(412);
        assertThat(stale.json().get("type").asString()).contains("stale-version");
        Response after = http.get("/api/v1/boards/" + board);
        assertThat(after.header("ETag")).hasValue(current);
        assertThat(after.json().get("columns")).isEqualTo(before.json().get("columns"));

        Response fresh = write.apply(current);
        assertThat(fresh.status()).as(fresh.body()).isEqualTo(status);
        return fresh;
    }

    @Test
    void aColumnIsWhereAddingItsLocationPoints() {
        long id = http.post("/api/v1/boards", obj("name", "Located")).id();
        Response added = http.post("/api/v1/boards/" + id + "/columns", obj("name", "Extra", "wip_limit", 2));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        String location = added.header("Location").orElseThrow();

        Response column = http.get(location);
        assertThat(column.status()).as(column.body()).isEqualTo(200);
        JsonNode listed = null;
        for (JsonNode c : http.get("/api/v1/boards/" + id + "/columns").json()) {
            if (c.get("id").asLong() == added.id()) {
                listed = c;
            }
        }
        assertThat(column.json()).isEqualTo(listed);
        assertThat(column.json().get("name").asString()).isEqualTo("Extra");

        // a column of another board, or of another workspace, is not there
        long elsewhere = http.post("/api/v1/boards", obj("name", "Elsewhere")).id();
        assertThat(http.get("/api/v1/boards/" + elsewhere + "/columns/" + added.id())
                        .status())
                .isEqualTo(404);
        Http stranger = clientFor("column-stranger", otherWorkspace("column-stranger"), Role.ADMIN);
        assertThat(stranger.get(location).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/boards/" + id + "/columns/" + Long.MAX_VALUE)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aColumnHoldingTasksCannotBeRemoved() {
        long id = http.post("/api/v1/boards", obj("name", "Busy")).id();
        long col = http.get("/api/v1/boards/" + id + "/columns")
                .json()
                .get(0)
                .get("id")
                .asLong();
        jdbc.sql(
                        "insert into tasks (workspace_id, board_id, column_id, position, title) select workspace_id, board_id, id, 1, 't' from board_columns where id = :c")
                .param("c", col)
                .update();
        Response r = http.delete("/api/v1/boards/" + id + "/columns/" + col);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    }

    @Test
    void deletingABoardCascadesToItsColumnsAndTasks() {
        long id = http.post("/api/v1/boards", obj("name", "Doomed")).id();
        long col = http.get("/api/v1/boards/" + id + "/columns")
                .json()
                .get(0)
                .get("id")
                .asLong();
        jdbc.sql(
                        "insert into tasks (workspace_id, board_id, column_id, position, title) select workspace_id, board_id, id, 1, 't' from board_columns where id = :c")
                .param("c", col)
                .update();
        assertThat(http.delete("/api/v1/boards/" + id).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/boards/" + id).status()).isEqualTo(404);
        assertThat(jdbc.sql("select count(*) from tasks where board_id = :b")
                        .param("b", id)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    record Event(String type, Long taskId, String actor, JsonNode payload) {}

    /** The events of a board after the event id {@code after}, in order. */
    private List<Event> eventsOf(long board, long after) {
        return jdbc.sql(
                        "select type, task_id, actor, payload::text from outbox_events where board_id = :b and id > :after order by id")
                .param("b", board)
                .param("after", after)
                .query((rs, n) -> new Event(
                        rs.getString(1),
                        rs.getObject(2) == null ? null : rs.getLong(2),
                        rs.getString(3),
                        Http.JSON.readTree(rs.getString(4))))
                .list();
    }

    private long lastEventId() {
        return jdbc.sql("select coalesce(max(id), 0) from outbox_events")
                .query(Long.class)
                .single();
    }

    private static Event single(List<Event> events) {
        assertThat(events).hasSize(1);
        return events.getFirst();
    }

    private static JsonNode task(Event e) {
        return e.payload().get("task");
    }
}
