package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven bad input: every malformed request gets a clear 4xx problem+json, never a 500 or a
 * stack trace, and leaves the database exactly as it was.
 */
class BadInputTest extends ApiTest {

    static final List<String> TABLES = List.of(
            "boards",
            "board_columns",
            "tasks",
            "tags",
            "task_tags",
            "comments",
            "evidence",
            "task_history",
            "outbox_events",
            "hints");

    long board;
    long column;
    long task;

    @BeforeAll
    void data() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Bad input");
        board = b[0];
        column = b[1];
        task = fx.task(board, "target");
    }

    static Stream<Arguments> cases() {
        String longTitle = "x".repeat(501);
        String huge = "{\"title\":\"" + "y".repeat(2_000_000) + "\",\"board_id\":1}";
        return Stream.of(
                Arguments.of("malformed JSON", "POST", "/api/v1/tasks", "{\"title\": ", 400),
                Arguments.of("JSON array instead of object", "POST", "/api/v1/tasks", "[1,2]", 400),
                Arguments.of("empty body", "POST", "/api/v1/tasks", "", 400),
                Arguments.of("missing title", "POST", "/api/v1/tasks", "{\"board_id\": BOARD}", 422),
                Arguments.of("blank title", "POST", "/api/v1/tasks", "{\"board_id\": BOARD, \"title\": \"   \"}", 422),
                Arguments.of(
                        "over-long title",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": \"" + longTitle + "\"}",
                        422),
                Arguments.of(
                        "title of wrong type",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": {\"a\": 1}}",
                        422),
                Arguments.of(
                        "board id of wrong type",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": \"abc\", \"title\": \"t\"}",
                        422),
                Arguments.of(
                        "unknown priority",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": \"t\", \"priority\": \"extreme\"}",
                        422),
                Arguments.of(
                        "unknown owner",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": \"t\", \"owner\": \"robot\"}",
                        422),
                Arguments.of(
                        "bad due date",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": \"t\", \"due_date\": \"tomorrow\"}",
                        422),
                Arguments.of(
                        "zero occurrences",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": \"t\", \"occurrence_count\": 0}",
                        422),
                Arguments.of(
                        "occurrences beyond an int",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": \"t\", \"occurrence_count\": 2147483648}",
                        422),
                Arguments.of(
                        "unknown status on create",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": \"t\", \"status\": \"bogus\"}",
                        422),
                Arguments.of("move without a target", "POST", "/api/v1/tasks/TASK/move", "{}", 422),
                Arguments.of(
                        "metadata not an object",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": \"t\", \"metadata\": [1]}",
                        422),
                Arguments.of(
                        "metadata over 64 KB",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": \"t\", \"metadata\": {\"k\": \"" + "z".repeat(70_000)
                                + "\"}}",
                        422),
                Arguments.of(
                        "negative position",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": \"t\", \"position\": -1}",
                        422),
                Arguments.of("unknown board", "POST", "/api/v1/tasks", "{\"board_id\": 987654, \"title\": \"t\"}", 404),
                Arguments.of(
                        "column of another board",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"column_id\": 987654, \"title\": \"t\"}",
                        422),
                Arguments.of("huge body", "POST", "/api/v1/tasks", huge, 413),
                Arguments.of("patch unknown task", "PATCH", "/api/v1/tasks/987654", "{\"title\": \"t\"}", 404),
                Arguments.of("patch null title", "PATCH", "/api/v1/tasks/TASK", "{\"title\": null}", 422),
                Arguments.of("patch null priority", "PATCH", "/api/v1/tasks/TASK", "{\"priority\": null}", 422),
                Arguments.of(
                        "patch wrong type", "PATCH", "/api/v1/tasks/TASK", "{\"occurrence_count\": \"many\"}", 422),
                Arguments.of("patch bad If-Match", "PATCH", "/api/v1/tasks/TASK", "{\"title\": \"t\"}", 400),
                Arguments.of(
                        "move to unknown column", "POST", "/api/v1/tasks/TASK/move", "{\"column\": \"Nowhere\"}", 422),
                Arguments.of("move before itself", "POST", "/api/v1/tasks/TASK/move", "{\"before_id\": TASK}", 422),
                Arguments.of(
                        "move before and after",
                        "POST",
                        "/api/v1/tasks/TASK/move",
                        "{\"before_id\": 1, \"after_id\": 2}",
                        422),
                Arguments.of("cancel without reason", "POST", "/api/v1/tasks/TASK/cancel", "{}", 422),
                Arguments.of(
                        "claim with tiny lease", "POST", "/api/v1/tasks/TASK/claim", "{\"lease_seconds\": 1}", 422),
                Arguments.of("board without name", "POST", "/api/v1/boards", "{}", 422),
                Arguments.of(
                        "board with over-long name",
                        "POST",
                        "/api/v1/boards",
                        "{\"name\": \"" + "n".repeat(201) + "\"}",
                        422),
                Arguments.of(
                        "board with duplicate columns",
                        "POST",
                        "/api/v1/boards",
                        "{\"name\": \"b\", \"columns\": [{\"name\": \"A\"}, {\"name\": \"A\"}]}",
                        409),
                Arguments.of(
                        "board with unknown column kind",
                        "POST",
                        "/api/v1/boards",
                        "{\"name\": \"b\", \"columns\": [{\"name\": \"A\", \"kind\": \"later\"}]}",
                        422),
                Arguments.of(
                        "board with zero WIP limit",
                        "POST",
                        "/api/v1/boards",
                        "{\"name\": \"b\", \"columns\": [{\"name\": \"A\", \"wip_limit\": 0}]}",
                        422),
                Arguments.of(
                        "columns of unknown board",
                        "PUT",
                        "/api/v1/boards/987654/columns",
                        "{\"columns\": [{\"name\": \"A\"}]}",
                        404),
                Arguments.of(
                        "columns with foreign id",
                        "PUT",
                        "/api/v1/boards/BOARD/columns",
                        "{\"columns\": [{\"id\": 987654, \"name\": \"A\"}]}",
                        422),
                Arguments.of("no columns at all", "PUT", "/api/v1/boards/BOARD/columns", "{\"columns\": []}", 422),
                Arguments.of("a null column", "PUT", "/api/v1/boards/BOARD/columns", "{\"columns\": [null]}", 422),
                Arguments.of(
                        "board with a null column",
                        "POST",
                        "/api/v1/boards",
                        "{\"name\": \"b\", \"columns\": [null]}",
                        422),
                Arguments.of(
                        "due date beyond a long's milliseconds",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": \"t\", \"due_date\": \"+1000000000-12-31T23:59:59Z\"}",
                        422),
                Arguments.of(
                        "due date beyond the database's years",
                        "PATCH",
                        "/api/v1/tasks/TASK",
                        "{\"due_date\": \"+300000-01-01T00:00:00Z\"}",
                        422),
                Arguments.of(
                        "due date before year 1",
                        "PUT",
                        "/api/v1/tasks/TASK",
                        "{\"title\": \"t\", \"due_date\": \"-1000000000-01-01T00:00:00Z\"}",
                        422),
                Arguments.of(
                        "due filter beyond year 9999",
                        "GET",
                        "/api/v1/tasks?due_before=%2B300000-01-01T00:00:00Z",
                        null,
                        422),
                Arguments.of("status by its number", "PATCH", "/api/v1/tasks/TASK", "{\"status\": 2}", 422),
                Arguments.of("title of em spaces", "PATCH", "/api/v1/tasks/TASK", "{\"title\": \"\u2003\u3000\"}", 422),
                Arguments.of(
                        "title of no-break and zero-width spaces",
                        "POST",
                        "/api/v1/tasks",
                        "{\"board_id\": BOARD, \"title\": \"\u00a0\u200b\"}",
                        422),
                Arguments.of("owner by its number", "PATCH", "/api/v1/tasks/TASK", "{\"owner\": 1}", 422),
                Arguments.of(
                        "column kind by its number",
                        "POST",
                        "/api/v1/boards",
                        "{\"name\": \"b\", \"columns\": [{\"name\": \"A\", \"kind\": 5}]}",
                        422),
                Arguments.of("undecodable form body", "POST", "/api/v1/auth/login", "username=%ZZ&password=x", 400),
                Arguments.of("negative limit", "GET", "/api/v1/tasks?limit=-1", null, 422),
                Arguments.of("non-numeric offset", "GET", "/api/v1/boards?offset=x", null, 422),
                Arguments.of("non-numeric id", "GET", "/api/v1/tasks/abc", null, 404),
                Arguments.of("unsupported media type", "POST", "/api/v1/boards", "name=x", 415),
                Arguments.of("method not allowed", "PATCH", "/api/v1/tasks", "{}", 405),
                Arguments.of("hint without type", "POST", "/api/v1/tasks/TASK/hints", "{\"message\": \"m\"}", 422),
                Arguments.of(
                        "hint of unknown type",
                        "POST",
                        "/api/v1/tasks/TASK/hints",
                        "{\"type\": \"mood\", \"message\": \"m\"}",
                        422),
                Arguments.of(
                        "hint with blank message",
                        "POST",
                        "/api/v1/tasks/TASK/hints",
                        "{\"type\": \"stale\", \"message\": \" \"}",
                        422),
                Arguments.of(
                        "hint suggesting a bad priority",
                        "POST",
                        "/api/v1/tasks/TASK/hints",
                        "{\"type\": \"priority\", \"message\": \"m\", \"suggestion\": {\"priority\": \"extreme\"}}",
                        422),
                Arguments.of(
                        "hint suggesting another field",
                        "POST",
                        "/api/v1/tasks/TASK/hints",
                        "{\"type\": \"priority\", \"message\": \"m\", \"suggestion\": {\"assignee\": \"eve\"}}",
                        422),
                Arguments.of(
                        "hint suggestion not an object",
                        "POST",
                        "/api/v1/tasks/TASK/hints",
                        "{\"type\": \"tags\", \"message\": \"m\", \"suggestion\": [1]}",
                        422),
                Arguments.of(
                        "hint for unknown task",
                        "POST",
                        "/api/v1/tasks/987654/hints",
                        "{\"type\": \"stale\", \"message\": \"m\"}",
                        404),
                Arguments.of("apply unknown hint", "POST", "/api/v1/hints/987654/apply", null, 404),
                Arguments.of(
                        "bulk with too many ids",
                        "POST",
                        "/api/v1/bulk/tasks/priority",
                        "{\"task_ids\": " + ids(501) + ", \"priority\": \"low\"}",
                        422));
    }

    private static String ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(Integer.toString(i));
        }
        return "[" + String.join(",", ids) + "]";
    }

    @ParameterizedTest(name = "{0} -> {4}")
    @MethodSource("cases")
    void badInputIsA4xxProblemAndChangesNothing(String name, String method, String path, String body, int expected) {
        Map<String, Long> before = counts();
        String p = path.replace("BOARD", Long.toString(board)).replace("TASK", Long.toString(task));
        String b = body == null
                ? null
                : body.replace("BOARD", Long.toString(board)).replace("TASK", Long.toString(task));
        Response r;
        if (name.equals("unsupported media type")) {
            r = http.send(method, p, null, "Content-Type", "application/x-www-form-urlencoded");
        } else if (name.equals("undecodable form body")) {
            r = http.execute(HttpRequest.newBuilder(URI.create(http.base() + p))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(b))
                    .build());
        } else if (name.equals("patch bad If-Match")) {
            r = http.send(method, p, b, "If-Match", "version-three");
        } else {
            r = http.send(method, p, b);
        }
        assertThat(r.status()).as(name + ": " + r.body()).isEqualTo(expected);
        assertThat(r.header("Content-Type"))
                .as(name)
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(r.json().get("status").asInt()).isEqualTo(expected);
        assertThat(r.json().get("type").asString()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception", "at dev.", "at org.", "\tat ");
        assertThat(counts()).as(name + " changed the database").isEqualTo(before);
    }

    private Map<String, Long> counts() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        TABLES.forEach(t -> counts.put(t, count(t)));
        counts.put(
                "task_versions",
                jdbc.sql("select coalesce(sum(version), 0) from tasks")
                        .query(Long.class)
                        .single());
        counts.put(
                "board_versions",
                jdbc.sql("select coalesce(sum(version), 0) from boards")
                        .query(Long.class)
                        .single());
        return counts;
    }
}
