package dev.agentkanban.agent;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every MCP tool over Streamable HTTP: what it returns, and how its failures read. */
class McpToolsTest extends ApiTest {

    McpTestClient agent;
    TaskFixtures fx;

    @BeforeAll
    void connect() {
        fx = new TaskFixtures(http);
        User user = identities.provision("tool-agent", "tool-agent-password", defaultWorkspace, Role.AGENT, false);
        agent = new McpTestClient(port, identities.issueToken(user.id(), "mcp", List.of("read", "write")));
    }

    @AfterAll
    void disconnect() {
        agent.close();
    }

    @Test
    void everyToolSaysWhetherItReadsDestroysOrRepeatsSafely() {
        Map<String, Tool> tools = agent.tools().stream().collect(Collectors.toMap(Tool::name, t -> t));
        assertThat(tools.keySet()).containsExactlyInAnyOrderElementsOf(TypeScriptClientTest.TOOLS);
        List<String> readOnly = List.of(
                "list_boards",
                "get_board_state",
                "list_columns",
                "list_rules",
                "list_tasks",
                "list_my_tasks",
                "get_my_notifications",
                "get_task",
                "get_statistics",
                "get_flow_metrics",
                "get_hints",
                "list_archived");
        tools.values().forEach(t -> {
            assertThat(t.annotations().readOnlyHint()).as(t.name()).isEqualTo(readOnly.contains(t.name()));
            assertThat(t.annotations().destructiveHint()).as(t.name()).isNotNull();
            assertThat(t.annotations().idempotentHint()).as(t.name()).isNotNull();
            assertThat(t.title()).as(t.name()).isNotBlank();
            assertThat(t.inputSchema()).containsEntry("type", "object");
        });
        assertThat(tools.get("edit_task").annotations().destructiveHint()).isTrue();
        assertThat(tools.get("claim_next_task").annotations().idempotentHint()).isFalse();
    }

    @Test
    void boardsColumnsStateAndStatisticsDescribeTheBoard() {
        long[] b = fx.board("Overview");
        long task = fx.task(b[0], "visible", "column", "In Progress");

        JsonNode boards = agent.ok("list_boards");
        assertThat(boards.get("items"))
                .extracting(x -> x.get("name").asString())
                .contains("Overview");

        JsonNode columns = agent.ok("list_columns", "board", "overview").get("columns");
        assertThat(columns)
                .extracting(c -> c.get("name").asString())
                .containsExactly("Backlog", "To Do", "In Progress", "Done");

        JsonNode state = agent.ok("get_board_state", "board", b[0]);
        JsonNode inProgress = state.get("columns").get(2);
        assertThat(inProgress.get("task_count").asLong()).isEqualTo(1);
        assertThat(inProgress.get("tasks").get(0).get("id").asLong()).isEqualTo(task);
        assertThat(inProgress.get("tasks").get(0).has("time_in_column_seconds")).isTrue();

        JsonNode stats = agent.ok("get_statistics", "board", b[0]);
        assertThat(stats.get("statistics").get("total").asLong()).isEqualTo(1);
        assertThat(stats.get("time_in_column").get("columns")).hasSize(4);

        JsonNode flow = agent.ok("get_flow_metrics", "board", "Overview", "tz", "Europe/Berlin");
        assertThat(flow.get("cumulative_flow")).hasSize(30);
        // the task was created just now in In Progress: it is there at the end of today, and it is aging work
        assertThat(flow.get("cumulative_flow").get(29).get("counts").get(2).asLong())
                .isEqualTo(1);
        assertThat(flow.get("aging_wip").get("tasks").get(0).get("task_id").asLong())
                .isEqualTo(task);
        assertThat(agent.error("get_flow_metrics", "board", b[0], "from", "yesterday"))
                .contains("from");

        assertThat(agent.error("list_columns", "board", "No such board"))
                .contains("no board named 'No such board'", "Overview");
        fx.board("Twin MCP");
        fx.board("twin mcp");
        assertThat(agent.error("list_columns", "board", "TWIN MCP")).contains("several boards are named");
    }

    @Test
    void listTasksFiltersAndPagesAtMostAHundredAtATime() {
        long[] b = fx.board("Listing");
        fx.task(b[0], "low one", "priority", "low");
        long urgent = fx.task(b[0], "urgent one", "priority", "urgent", "column", "To Do");
        fx.task(b[0], "another low", "priority", "low");

        JsonNode page = agent.ok("list_tasks", "board", b[0], "priority", List.of("urgent", "high"));
        assertThat(page.get("total").asLong()).isEqualTo(1);
        assertThat(page.get("items").get(0).get("id").asLong()).isEqualTo(urgent);
        // one value as a plain string, and seed 002's critical for urgent
        assertThat(agent.ok("list_tasks", "board", b[0], "priority", "critical")
                        .get("items")
                        .get(0)
                        .get("id")
                        .asLong())
                .isEqualTo(urgent);
        assertThat(agent.ok("list_tasks", "board", b[0], "status", "pending")
                        .get("total")
                        .asLong())
                .isEqualTo(3);

        assertThat(agent.ok("list_tasks", "board", "Listing", "column", "to do")
                        .get("total")
                        .asLong())
                .isEqualTo(1);
        JsonNode paged = agent.ok("list_tasks", "board", b[0], "limit", 2, "offset", 2, "sort", "id");
        assertThat(paged.get("total").asLong()).isEqualTo(3);
        assertThat(paged.get("items")).hasSize(1);

        assertThat(agent.error("list_tasks", "board", b[0], "limit", 101)).contains("limit");
        assertThat(agent.error("list_tasks", "column", "To Do")).contains("give board too");

        long due = fx.task(b[0], "due soon", "due_date", "2030-01-15T00:00:00Z");
        assertThat(agent.ok("list_tasks", "board", b[0], "due_before", "2030-02-01")
                        .get("items")
                        .findValuesAsString("title"))
                .containsExactly("due soon");
        assertThat(agent.ok("list_tasks", "board", b[0], "due_after", "2030-01-31T00:00:00Z")
                        .get("total")
                        .asLong())
                .isZero();
        assertThat(agent.error("list_tasks", "board", b[0], "due_before", "soon"))
                .contains("due_before");
        assertThat(due).isPositive();
    }

    @Test
    void getTaskBringsCommentsTagsEvidenceAndHints() {
        long[] b = fx.board("Details");
        long id = fx.task(b[0], "detailed", "tags", List.of("bug"));
        http.post("/api/v1/tasks/" + id + "/comments", obj("body", "a remark"));
        http.post("/api/v1/tasks/" + id + "/evidence", obj("kind", "note", "note", "a measurement"));

        JsonNode got = agent.ok("get_task", "task_id", id);
        assertThat(got.get("task").get("title").asString()).isEqualTo("detailed");
        assertThat(got.get("task").get("tags").get(0).get("name").asString()).isEqualTo("bug");
        assertThat(got.get("comments").get(0).get("body").asString()).isEqualTo("a remark");
        assertThat(got.get("evidence").get(0).get("note").asString()).isEqualTo("a measurement");
        assertThat(got.get("hints").isArray()).isTrue();
        assertThat(got.get("hints")).isEmpty();

        assertThat(agent.error("get_task", "task_id", 987654)).isEqualTo("Not found (404): task 987654 does not exist");
    }

    @Test
    void createAndEditValidateLikeRestAndChangeOnlyWhatIsGiven() {
        long[] b = fx.board("Editing");
        JsonNode created = agent.ok(
                "create_task",
                "board",
                b[0],
                "column",
                "To Do",
                "title",
                "  Write docs  ",
                "description",
                "for agents",
                "priority",
                "critical",
                "due_date",
                "2030-01-31T17:00:00Z");
        long id = created.get("id").asLong();
        assertThat(created.get("title").asString()).isEqualTo("Write docs");
        assertThat(created.get("priority").asString()).isEqualTo("urgent");
        assertThat(created.get("column_id").asLong()).isEqualTo(b[2]);

        JsonNode edited = agent.ok("edit_task", "task_id", id, "title", "Write better docs", "epic", "docs");
        assertThat(edited.get("title").asString()).isEqualTo("Write better docs");
        assertThat(edited.get("description").asString()).isEqualTo("for agents");
        assertThat(edited.get("epic").asString()).isEqualTo("docs");

        long tasks = count("tasks");
        assertThat(agent.error("create_task", "board", b[0], "title", "x".repeat(501)))
                .contains("Validation failed (422)", "title");
        assertThat(agent.error("create_task", "board", b[0], "title", "x", "priority", "whenever"))
                .contains("priority");
        assertThat(agent.error("create_task", "board", b[0])).contains("title");
        // a number where the schema says string is refused (by the SDK's check of the input schema), as
        // over REST, not turned into its text
        assertThat(agent.error("create_task", "board", b[0], "title", 5)).contains("title", "string", "expected");
        assertThat(agent.error("edit_task", "task_id", id, "epic", 7)).contains("epic", "string", "expected");
        // a NUL is refused naming the argument, as REST names the field (the client writes a lone
        // surrogate as '?', so that case is left to the REST tests)
        long comments = count("comments");
        assertThat(agent.error("add_comment", "task_id", id, "body", "a\u0000b"))
                .isEqualTo("Validation failed (422): body: holds the NUL character (\\u0000), which cannot be stored");
        assertThat(agent.error("complete_task", "task_id", id, "notes", "done\u0000"))
                .startsWith("Validation failed (422): notes: holds the NUL character");
        assertThat(agent.error("list_tasks", "board", b[0], "q", "x\u0000")).contains("q: holds the NUL character");
        // a number the SDK's schema check cannot read as an integer: a plain refusal, not Jackson's internals
        assertThat(agent.error("get_task", "task_id", 1e30)).isEqualTo(McpGuard.PLAIN_INPUT_REFUSAL);
        // complete_task's refusals name its own arguments, not the REST fields behind them
        assertThat(agent.error("complete_task", "task_id", id, "notes", "   "))
                .startsWith("Validation failed (422): notes:");
        assertThat(agent.error("complete_task", "task_id", id, "evidence_link", "javascript:alert(1)"))
                .startsWith("Validation failed (422): evidence_link:");
        assertThat(count("comments")).isEqualTo(comments);
        assertThat(fx.get(id).get("status").asString()).isEqualTo("pending");
        assertThat(count("tasks")).isEqualTo(tasks);

        assertThat(agent.error("edit_task", "task_id", id, "title", "stale", "expected_version", 1))
                .startsWith("Precondition failed (412)");
        assertThat(agent.error("edit_task", "task_id", id)).contains("at least one field");
        assertThat(fx.get(id).get("title").asString()).isEqualTo("Write better docs");
    }

    @Test
    void editTaskClearsTheOwnerWithNullAndReplacesTheTagsAsItsSchemaSays() {
        long[] b = fx.board("Retagging");
        long id = fx.task(b[0], "tag me", "owner", "agent", "tags", List.of("bug"));
        Map<String, Object> properties = schemaProperties("edit_task");
        assertThat(properties).containsKey("tags");
        assertThat(properties.get("owner").toString()).contains("null");

        JsonNode edited = agent.ok("edit_task", "task_id", id, "owner", null, "tags", List.of("feature", "Urgent"));
        assertThat(edited.get("owner").isNull()).isTrue();
        assertThat(edited.get("tags"))
                .extracting(t -> t.get("name").asString())
                .containsExactlyInAnyOrder("feature", "urgent");
        assertThat(fx.get(id).get("tags")).hasSize(2);
        assertThat(agent.ok("edit_task", "task_id", id, "tags", List.of()).get("tags"))
                .isEmpty();
        assertThat(agent.error("edit_task", "task_id", id, "tags", List.of(" ")))
                .contains("tags[0]");
    }

    @Test
    void aBlankTagIsRefusedNamingItsPlaceNotTheValidatorsInternals() {
        long[] b = fx.board("Blank tags");
        assertThat(agent.error("create_task", "board", b[0], "title", "x", "tags", List.of("ok", "")))
                .isEqualTo("Validation failed (422): tags[1]: must not be blank");
        assertThat(agent.error("report_issue", "board", b[0], "title", "x", "tags", List.of("t".repeat(51))))
                .isEqualTo("Validation failed (422): tags[0]: size must be between 0 and 50");
    }

    @Test
    void aHugeBoardOrColumnNameIsRefusedWithoutEchoingItBack() {
        long[] b = fx.board("Echo");
        String huge = "w".repeat(100_000);
        String column = agent.error("list_tasks", "board", b[0], "column", huge);
        assertThat(column).startsWith("Validation failed (422): column:").hasSizeLessThan(300);
        String board = agent.error("get_board_state", "board", huge);
        assertThat(board).startsWith("Validation failed (422): board:").hasSizeLessThan(300);
        assertThat(agent.error("list_columns", "board", "x".repeat(201))).hasSizeLessThan(300);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> schemaProperties(String tool) {
        return (Map<String, Object>) agent.tools().stream()
                .filter(t -> t.name().equals(tool))
                .findFirst()
                .orElseThrow()
                .inputSchema()
                .get("properties");
    }

    @Test
    void claimCommentAndDependencyToolsTakeTheTasksExpectedVersion() {
        long[] b = fx.board("Expected versions");
        long id = fx.task(b[0], "guarded");
        long other = fx.task(b[0], "blocker");
        long version = fx.get(id).get("version").asLong();
        long stale = version + 1;

        assertThat(agent.error("claim_task", "task_id", id, "expected_version", stale))
                .startsWith("Precondition failed (412)");
        assertThat(agent.error("add_comment", "task_id", id, "body", "late", "expected_version", stale))
                .startsWith("Precondition failed (412)");
        assertThat(agent.error("add_dependency", "task_id", id, "blocked_by_task_id", other, "expected_version", stale))
                .startsWith("Precondition failed (412)");
        assertThat(fx.get(id).get("version").asLong()).isEqualTo(version);
        assertThat(fx.get(id).get("comment_count").asLong()).isZero();

        JsonNode claimed = agent.ok("claim_task", "task_id", id, "expected_version", version);
        assertThat(claimed.get("claimed_by").asString()).isEqualTo("tool-agent");
        long now = claimed.get("version").asLong();
        assertThat(agent.error("release_task", "task_id", id, "expected_version", version))
                .startsWith("Precondition failed (412)");
        assertThat(agent.ok("release_task", "task_id", id, "expected_version", now)
                        .get("claimed_by")
                        .isNull())
                .isTrue();
    }

    @Test
    void movingToAnUnknownColumnNamesTheValidOnesAndMovesNothing() {
        long[] b = fx.board("Moving");
        long id = fx.task(b[0], "mover");
        String error = agent.error("move_task", "task_id", id, "column", "Doing");
        assertThat(error).contains("no column named 'Doing'", "Backlog", "To Do", "In Progress", "Done");
        assertThat(fx.get(id).get("column_id").asLong()).isEqualTo(b[1]);

        JsonNode moved = agent.ok("move_task", "task_id", id, "column", "in progress");
        assertThat(moved.get("column_id").asLong()).isEqualTo(b[3]);
        assertThat(moved.get("status").asString()).isEqualTo("in_progress");
        assertThat(agent.ok("move_task", "task_id", id, "column", b[4])
                        .get("status")
                        .asString())
                .isEqualTo("completed");
    }

    @Test
    void aColumnIdOffTheBoardIsRefusedNamingTheToolsOwnArgument() {
        long[] b = fx.board("Column ids");
        long id = fx.task(b[0], "stays");
        // the tools take `column` (an id or a name); REST's column_id is no argument of theirs
        assertThat(agent.error("move_task", "task_id", id, "column", 987654))
                .startsWith("Validation failed (422): column: column 987654 is not on board " + b[0]);
        assertThat(agent.error("create_task", "board", b[0], "title", "x", "column", 987654))
                .startsWith("Validation failed (422): column: column 987654 is not on board " + b[0]);
        assertThat(agent.error("claim_next_task", "board", b[0], "column", 987654))
                .startsWith("Validation failed (422): column: column 987654 is not on board " + b[0]);
        assertThat(fx.get(id).get("column_id").asLong()).isEqualTo(b[1]);
    }

    @Test
    void aBadCustomFieldConditionIsRefusedNamingTheFieldsArgument() {
        long[] b = fx.board("Field filters");
        // list_tasks takes custom field conditions as fields {name: condition}, not as REST's cf.<name>
        assertThat(agent.error("list_tasks", "board", b[0], "fields", Map.of("Points", "gt:abc")))
                .startsWith("Validation failed (422): fields.Points: gt: compares with a number or a date");
        // an object is no condition (it was matched as its Java text, "{a=1}", and found nothing)
        assertThat(agent.error("list_tasks", "board", b[0], "fields", Map.of("Points", Map.of("a", 1))))
                .isEqualTo("Validation failed (422): fields.Points: must be a condition as text (such as"
                        + " \"gte:5\" or \"is:set\"), a number or true/false");
    }

    @Test
    void claimRenewAndReleaseAreTheCallersOwn() {
        long[] b = fx.board("Claims over MCP");
        long id = fx.task(b[0], "claimable");
        JsonNode claimed = agent.ok("claim_task", "task_id", id, "lease_seconds", 60);
        assertThat(claimed.get("claimed_by").asString()).isEqualTo("tool-agent");
        JsonNode renewed = agent.ok("renew_claim", "task_id", id, "lease_seconds", 3600);
        assertThat(renewed.get("claim_expires_at").asString())
                .isGreaterThan(claimed.get("claim_expires_at").asString());
        assertThat(http.post("/api/v1/tasks/" + id + "/claim", null).status()).isEqualTo(409);
        assertThat(agent.ok("release_task", "task_id", id).get("claimed_by").isNull())
                .isTrue();
        assertThat(agent.error("renew_claim", "task_id", id))
                .startsWith("Conflict (409)")
                .contains("not claimed");
        assertThat(agent.error("release_task", "task_id", id)).startsWith("Conflict (409)");
        assertThat(agent.error("claim_task", "task_id", id, "lease_seconds", 5)).contains("lease_seconds");
    }

    @Test
    void completeTaskRecordsNotesAndEvidenceOrNothingAtAll() {
        long[] b = fx.board("Completing");
        long id = fx.task(b[0], "to finish");
        long comments = count("comments");
        long events = count("outbox_events");
        String error = agent.error("complete_task", "task_id", id, "notes", "done", "evidence_link", "ftp://nope");
        assertThat(error).contains("evidence_link", "http or https URL");
        assertThat(fx.get(id).get("status").asString()).isEqualTo("pending");
        assertThat(count("comments")).isEqualTo(comments);
        assertThat(count("outbox_events")).isEqualTo(events);

        JsonNode done = agent.ok(
                "complete_task",
                "task_id",
                id,
                "notes",
                "done",
                "evidence_text",
                "42 tests passed",
                "evidence_link",
                "https://example.com/pr/7");
        assertThat(done.get("task").get("status").asString()).isEqualTo("completed");
        assertThat(done.get("task").get("column_id").asLong()).isEqualTo(b[4]);
        assertThat(done.get("comment").get("body").asString()).isEqualTo("done");
        assertThat(done.get("evidence"))
                .extracting(e -> e.get("kind").asString())
                .containsExactly("note", "link");
        assertThat(agent.error("complete_task", "task_id", id))
                .startsWith("Conflict (409)")
                .contains("completed");
    }

    @Test
    void completeTaskOnABoardWithoutADoneColumnIsRefusedWithNothingRecorded() {
        Response board = http.post(
                "/api/v1/boards",
                obj(
                        "name",
                        "Never done",
                        "columns",
                        List.of(obj("name", "Todo", "kind", "todo"), obj("name", "Doing", "kind", "in_progress"))));
        long id = fx.task(board.id(), "stays open");
        long comments = count("comments");
        assertThat(agent.error("complete_task", "task_id", id, "notes", "done"))
                .startsWith("Conflict (409)")
                .contains("no done column");
        assertThat(fx.get(id).get("status").asString()).isEqualTo("pending");
        assertThat(count("comments")).isEqualTo(comments);
    }

    @Test
    void commentsAreByTheAgent() {
        long[] b = fx.board("Commenting");
        long id = fx.task(b[0], "discussed");
        JsonNode comment = agent.ok("add_comment", "task_id", id, "body", "found the cause");
        assertThat(comment.get("author").asString()).isEqualTo("tool-agent");
        assertThat(agent.error("add_comment", "task_id", id, "body", "   ")).contains("body");
    }

    @Test
    void anIdBeyondALongIsRefusedNotWrappedOntoAnotherTask() {
        long[] b = fx.board("Wrapped ids");
        long id = fx.task(b[0], "victim");
        java.math.BigInteger wrapped = java.math.BigInteger.TWO.pow(64).add(java.math.BigInteger.valueOf(id));

        assertThat(agent.error("edit_task", "task_id", wrapped, "title", "overwritten"))
                .contains("task_id");
        assertThat(fx.get(id).get("title").asString()).isEqualTo("victim");
    }

    @Test
    void hintsAreListedAndAppliedByTheAgent() {
        long[] b = fx.board("Hints");
        long id = fx.task(b[0], "Crash on save");
        long hint = http.post(
                        "/api/v1/tasks/" + id + "/hints",
                        obj(
                                "type",
                                "priority",
                                "message",
                                "mentions a crash",
                                "suggestion",
                                obj("priority", "urgent"),
                                "source",
                                "worker:priority"))
                .id();
        long dismissed = http.post("/api/v1/tasks/" + id + "/hints", obj("type", "stale", "message", "old"))
                .id();
        http.post("/api/v1/hints/" + dismissed + "/dismiss", null);

        assertThat(agent.ok("get_task", "task_id", id).get("hints"))
                .extracting(h -> h.get("id").asLong())
                .containsExactly(hint);
        JsonNode pending = agent.ok("get_hints", "task_id", id).get("hints");
        assertThat(pending).extracting(h -> h.get("id").asLong()).containsExactly(hint);
        assertThat(pending.get(0).get("suggestion").get("priority").asString()).isEqualTo("urgent");
        assertThat(agent.ok("get_hints", "task_id", id, "status", "all").get("hints"))
                .hasSize(2);
        assertThat(agent.error("get_hints", "task_id", id, "status", "maybe")).contains("status");

        assertThat(agent.error("apply_hint", "hint_id", hint, "expected_version", 99))
                .startsWith("Precondition failed (412)");
        JsonNode applied = agent.ok("apply_hint", "hint_id", hint);
        assertThat(applied.get("hint").get("status").asString()).isEqualTo("applied");
        assertThat(applied.get("hint").get("resolved_by").asString()).isEqualTo("tool-agent");
        assertThat(applied.get("task").get("priority").asString()).isEqualTo("urgent");
        assertThat(agent.error("apply_hint", "hint_id", hint)).startsWith("Conflict (409)");
        assertThat(agent.error("apply_hint", "hint_id", 987654))
                .isEqualTo("Not found (404): hint 987654 does not exist");
        assertThat(agent.ok("get_hints", "task_id", id).get("hints")).isEmpty();
        assertThat(agent.error("get_hints", "task_id", 987654)).startsWith("Not found (404)");
    }

    @Test
    void reportIssueCountsRepeatsOverMcp() {
        long[] b = fx.board("Issues over MCP");
        JsonNode first = agent.ok("report_issue", "board", b[0], "title", "Flaky   login test", "tags", List.of("bug"));
        assertThat(first.get("created").asBoolean()).isTrue();
        JsonNode again = agent.ok("report_issue", "board", "Issues over MCP", "title", "flaky login TEST ");
        assertThat(again.get("created").asBoolean()).isFalse();
        assertThat(again.get("task").get("id").asLong())
                .isEqualTo(first.get("task").get("id").asLong());
        assertThat(again.get("task").get("occurrence_count").asInt()).isEqualTo(2);
    }

    @Test
    void argumentsOutsideTheSchemaAreToolErrorsNotProtocolFailures() {
        List<String> errors = new ArrayList<>();
        errors.add(agent.error("get_task"));
        errors.add(agent.error("get_task", "task_id", "seven"));
        errors.add(agent.error("list_boards", "colour", "red"));
        assertThat(errors).allSatisfy(e -> assertThat(e).doesNotContain("Exception", "\tat "));
    }
}
