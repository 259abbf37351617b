package dev.agentkanban.transfer;

import static dev.agentkanban.transfer.TransferFixtures.post;
import static dev.agentkanban.transfer.TransferFixtures.snapshot;
import static dev.agentkanban.transfer.TransferFixtures.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.transfer.CliRuns.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/** A realistic multi-list Trello export imported as a new board: lists, cards, labels, checklists, comments, members. */
class TrelloImportApiTest extends ApiTest {

    static final String JSON = "application/json";
    private final String export = TransferFixtures.text("trello-board.json");

    @Autowired
    ApplicationContext context;

    @TempDir
    Path dir;

    Response imported;
    long board;

    @BeforeAll
    void importTheFixture() {
        imported = post(http, "/api/v1/import/trello", JSON, export);
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        board = imported.json().get("board_id").asLong();
    }

    private Map<String, Object> task(String title) {
        return tasks(jdbc, board).stream()
                .filter(t -> t.get("title").equals(title))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no task " + title));
    }

    private long taskId(String title) {
        return jdbc.sql("select id from tasks where board_id = :b and title = :t")
                .param("b", board)
                .param("t", title)
                .query(Long.class)
                .single();
    }

    @Test
    void aNewBoardWithTheListsAsColumnsInTheirOrder() {
        assertThat(imported.header("Location")).hasValue("/api/v1/boards/" + board);
        JsonNode b = http.get("/api/v1/boards/" + board).json();
        assertThat(b.get("name").asString()).isEqualTo("Website Redesign");
        assertThat(b.get("description").asString())
                .contains("Everything for the new site.")
                .contains("Imported from Trello: https://trello.com/b/AbCdEf12/website-redesign");
        assertThat(b.get("columns")
                        .valueStream()
                        .map(c -> c.get("name").asString() + "/" + c.get("kind").asString()))
                .containsExactly(
                        "Backlog/backlog", "To Do/todo", "Doing/in_progress", "Done/done", "Old ideas (archived)/todo");
        JsonNode report = imported.json();
        assertThat(report.get("lists")
                        .valueStream()
                        .map(l ->
                                l.get("list").asString() + "=" + l.get("cards").asInt()))
                .containsExactly("Backlog=2", "To Do=2", "Doing=2", "Done=1", "Old ideas=1");
        assertThat(report.get("skipped").get("archived empty list").asInt()).isEqualTo(1);
    }

    @Test
    void cardsBecomeTasksInTheirOrderAndArchivedCardsAreArchivedNotLost() {
        assertThat(tasks(jdbc, board))
                .extracting(t -> t.get("column_name") + "/" + t.get("title") + "/" + t.get("status"))
                .containsExactly(
                        "Backlog/日本語カード, with comma and \"quotes\"/pending",
                        "Backlog/Card whose list is missing/pending",
                        "To Do/Fix login bug/pending",
                        "To Do/Set up CI pipeline/pending",
                        "Doing/Design new homepage/in_progress",
                        "Doing/Write content/in_progress",
                        "Done/Launch v1/completed",
                        "Old ideas (archived)/Old idea: dark mode/pending");
        // closed in Trello: archived here (off the board, listed by archived=true, restorable)
        assertThat(jdbc.sql("select title from tasks where board_id = :b and archived_at is not null order by title")
                        .param("b", board)
                        .query(String.class)
                        .list())
                .containsExactly("Old idea: dark mode", "Write content");
        assertThat(task("Write content").get("metadata").toString()).contains("\"trello_closed\": true");
        assertThat(http.get("/api/v1/tasks?archived=true&board_id=" + board)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(2);
        assertThat(http.get("/api/v1/tasks?board_id=" + board)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(6);
        assertThat(imported.json().get("archived_cards").asInt()).isEqualTo(2);
        assertThat(imported.json()
                        .get("skipped")
                        .get("card list not in the export (card put in the first column)")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void dueDatesCreationTimesAndTrelloIdsAreKept() {
        assertThat(instant("due_date", "Set up CI pipeline")).isEqualTo(Instant.parse("2025-12-01T17:00:00Z"));
        assertThat(instant("created_at", "Set up CI pipeline"))
                .isEqualTo(TrelloImport.createdAt("65a10a00aaaaaaaaaaaa0001"))
                .isEqualTo(Instant.ofEpochSecond(0x65a10a00L));
        assertThat(task("Set up CI pipeline").get("metadata").toString())
                .contains("\"trello_id\": \"65a10a00aaaaaaaaaaaa0001\"")
                .contains("\"trello_url\": \"https://trello.com/c/Kq1\"");
    }

    @Test
    void labelsBecomeTagsWithTrelloColoursAndExistingTagsAreReused() {
        assertThat(task("Fix login bug")).containsEntry("tags", "bug");
        assertThat(task("Design new homepage")).containsEntry("tags", "Design,blue");
        assertThat(task("日本語カード, with comma and \"quotes\"")).containsEntry("tags", "Research");
        Map<String, String> colors = new TreeMap<>();
        jdbc.sql("select name, color from tags where workspace_id = :ws")
                .param("ws", defaultWorkspace)
                .query((rs, n) -> colors.put(rs.getString(1), rs.getString(2)))
                .list();
        assertThat(colors)
                .containsEntry("Low priority", "#61bd4f")
                .containsEntry("Design", "#c377e0")
                .containsEntry("blue", "#0079bf")
                .containsEntry("Research", "#6b7280")
                .containsEntry("bug", "#dc2626");
        assertThat(imported.json().get("tags_created").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder("Low priority", "Design", "blue", "Research");
        assertThat(imported.json().get("tags_reused").valueStream().map(JsonNode::asString))
                .containsExactly("bug");
    }

    @Test
    void checklistsBecomeMarkdownTaskListsInTheDescriptionAndChecklistItems() {
        assertThat(task("Set up CI pipeline").get("description"))
                .isEqualTo(
                        "Use **GitHub Actions** for build and deploy.\n\n### Steps\n- [x] Build on every push\n- [ ] Deploy to staging");
        assertThat(task("Design new homepage").get("description"))
                .isEqualTo(
                        "Hero, navigation and footer.\n\n"
                                + "### Visuals\n- [x] Wireframes\n- [x] Mockups\n- [ ] Prototype\n\n### Review\n- [ ] Sign-off by marketing");
        assertThat(imported.json().get("checklists").asInt()).isEqualTo(3);
        assertThat(imported.json().get("check_items").asInt()).isEqualTo(6);
        // and real checklist items, in order (issue 14)
        JsonNode items = http.get("/api/v1/tasks/" + taskId("Design new homepage") + "/checklist")
                .json();
        assertThat(items.get("items")
                        .valueStream()
                        .map(i -> i.get("text").asString() + " " + i.get("done").asBoolean()))
                .containsExactly("Wireframes true", "Mockups true", "Prototype false", "Sign-off by marketing false");
        assertThat(items.get("done").asLong()).isEqualTo(2);
    }

    @Test
    void commentsKeepTheirTrelloAuthorsAndTimesAndAreAudited() {
        long login = taskId("Fix login bug");
        JsonNode comments =
                http.get("/api/v1/tasks/" + login + "/comments").json().get("items");

        assertThat(comments.valueStream()
                        .map(c -> c.get("author").asString() + " "
                                + c.get("created_at").asString()))
                .containsExactly("Bob Jones 2024-02-18T08:00:00Z", "Alice Smith 2024-02-20T09:15:00Z");
        assertThat(comments.get(0).get("body").asString())
                .isEqualTo("Login fails after the password reset, with \"invalid token\".");
        JsonNode design = http.get("/api/v1/tasks/" + taskId("Design new homepage") + "/comments")
                .json()
                .get("items");
        assertThat(design.get(0).get("author").asString()).isEqualTo("carol_designs");
        assertThat(jdbc.sql("select count(*) from task_history where task_id = :t and action = 'comment_added'")
                        .param("t", login)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
        assertThat(imported.json().get("comments").asInt()).isEqualTo(3);
        assertThat(imported.json().get("skipped").get("action createCard").asInt())
                .isEqualTo(2);
        assertThat(imported.json().get("skipped").get("action updateCard").asInt())
                .isEqualTo(1);
    }

    @Test
    void membersBecomeAssigneesByName() {
        assertThat(task("Fix login bug")).containsEntry("assignee", "Bob Jones");
        assertThat(task("Fix login bug").get("metadata").toString())
                .contains("\"trello_members\": [\"Bob Jones\", \"Alice Smith\"]");
        assertThat(task("Set up CI pipeline")).containsEntry("assignee", "Alice Smith");
        assertThat(task("Design new homepage")).containsEntry("assignee", "carol_designs");
        assertThat(imported.json().get("members").valueStream().map(JsonNode::asString))
                .containsExactly("Bob Jones", "Alice Smith", "carol_designs");
    }

    @Test
    void linkAttachmentsBecomeLinkEvidence() {
        JsonNode evidence = http.get("/api/v1/tasks/" + taskId("Design new homepage") + "/evidence")
                .json()
                .get("items");

        assertThat(evidence.size()).isEqualTo(1);
        assertThat(evidence.get(0).get("kind").asString()).isEqualTo("link");
        assertThat(evidence.get(0).get("url").asString()).isEqualTo("https://www.figma.com/file/abc123/homepage");
        assertThat(evidence.get(0).get("note").asString()).isEqualTo("Figma file");
        assertThat(imported.json()
                        .get("skipped")
                        .get("attachment without a web link")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void theBoardAndEachTaskAreAnnouncedOnce() {
        assertThat(jdbc.sql("select count(*) from outbox_events where board_id = :b and type = 'board_created'")
                        .param("b", board)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from outbox_events where board_id = :b and type = 'task_created'"
                                + " and payload->>'import' = 'trello'")
                        .param("b", board)
                        .query(Long.class)
                        .single())
                .isEqualTo(8);
        assertThat(jdbc.sql("select count(*) from task_history where board_id = :b and action = 'created'")
                        .param("b", board)
                        .query(Long.class)
                        .single())
                .isEqualTo(8);
    }

    @Test
    void somethingThatIsNotATrelloExportChangesNothing() {
        Map<String, Long> before = snapshot(jdbc);

        assertThat(post(http, "/api/v1/import/trello", JSON, "{\"name\": \"not trello\"}")
                        .status())
                .isEqualTo(422);
        assertThat(post(http, "/api/v1/import/trello", JSON, "[1, 2]").status()).isEqualTo(422);
        assertThat(post(http, "/api/v1/import/trello", JSON, "{\"lists\": \"x\", \"cards\": []}")
                        .status())
                .isEqualTo(422);
        assertThat(post(http, "/api/v1/import/trello", JSON, "{\"lists\": [], \"cards\": {}}")
                        .status())
                .isEqualTo(422);
        assertThat(post(http, "/api/v1/import/trello", JSON, export.substring(0, 500))
                        .status())
                .isEqualTo(400);
        assertThat(post(clientFor("trello-agent", defaultWorkspace, Role.AGENT), "/api/v1/import/trello", JSON, export)
                        .status())
                .isEqualTo(403);
        assertThat(snapshot(jdbc)).isEqualTo(before);
    }

    @Test
    void unknownFieldsAndMissingPartsAreNotFatal() {
        String minimal = """
                {"name": "Minimal", "someNewField": {"x": 1},
                 "cards": [{"id": "not-an-object-id", "name": "Lonely card", "idList": "nowhere", "labels": [{"name": "", "color": null}]}]}
                """;

        Response r = post(http, "/api/v1/import/trello?name=Renamed", JSON, minimal);

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        long b = r.json().get("board_id").asLong();
        assertThat(http.get("/api/v1/boards/" + b).json().get("name").asString())
                .isEqualTo("Renamed");
        assertThat(tasks(jdbc, b))
                .extracting(t -> t.get("column_name") + "/" + t.get("title"))
                .containsExactly("To Do/Lonely card");
        assertThat(r.json().get("warnings").get(0).asString()).contains("no lists");
        assertThat(r.json().get("skipped").get("label without name or colour").asInt())
                .isEqualTo(1);
    }

    /** A due date that is not a time, or lies outside the years 1 to 9999, is left out with a warning naming the card. */
    @Test
    void aDueDateThatIsNoTimeIsLeftOutWithAWarning() {
        String cards = """
                {"name": "Bad dates", "lists": [{"id": "l1", "name": "To Do", "pos": 1}],
                 "cards": [{"id": "c1", "name": "Month 13", "idList": "l1", "due": "2026-13-45"},
                           {"id": "c2", "name": "Far future", "idList": "l1", "due": "+999999-01-01T00:00:00Z"},
                           {"id": "c3", "name": "Fine", "idList": "l1", "due": "2026-12-24T17:00:00Z"}]}
                """;
        Response r = post(http, "/api/v1/import/trello", JSON, cards);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("warnings").valueStream().map(JsonNode::asString))
                .anyMatch(w -> w.contains("'Month 13'") && w.contains("2026-13-45"))
                .anyMatch(w -> w.contains("'Far future'"));
        assertThat(tasks(jdbc, r.json().get("board_id").asLong()))
                .extracting(t -> t.get("title") + " " + t.get("due_date")) // the helper writes no value as ∅
                .containsExactlyInAnyOrder("Month 13 ∅", "Far future ∅", "Fine 2026-12-24 17:00:00.0");
    }

    /** Tag names take no comma (Tags.name): a label with one becomes a tag without it, with a warning. */
    @Test
    void aLabelWithACommaBecomesATagWithoutIt() {
        String board = """
                {"name": "Comma labels", "lists": [{"id": "l1", "name": "To Do", "pos": 1}],
                 "labels": [{"id": "g1", "name": "Bug, UI", "color": "red"}],
                 "cards": [{"id": "c1", "name": "Labelled", "idList": "l1", "idLabels": ["g1"]}]}
                """;
        Response r = post(http, "/api/v1/import/trello", JSON, board);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("warnings").valueStream().map(JsonNode::asString))
                .anyMatch(w -> w.contains("'Bug, UI'") && w.contains("'Bug UI'"));
        assertThat(tasks(jdbc, r.json().get("board_id").asLong()))
                .singleElement()
                .satisfies(t -> assertThat(t).containsEntry("tags", "Bug UI"));
    }

    @Test
    void theCommandImportsAFileAsANewBoard() throws IOException {
        Path file = Files.writeString(dir.resolve("trello.json"), export);

        Run run = CliRuns.inApp(context, "import-trello", file.toString(), "--board", "From the CLI");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Board 'From the CLI'").contains("Cards: 8 (2 archived");
        long b = TransferFixtures.boardId(jdbc, defaultWorkspace, "From the CLI");
        assertThat(tasks(jdbc, b)).hasSize(8);
        assertThat(jdbc.sql("select distinct actor from task_history where board_id = :b")
                        .param("b", b)
                        .query(String.class)
                        .list())
                .containsExactly("import-trello");
        assertThat(CliRuns.inApp(
                                context,
                                "import-trello",
                                Files.writeString(dir.resolve("bad.json"), "{oops")
                                        .toString())
                        .exit())
                .as("a file that is not JSON is a failed import, not wrong usage")
                .isEqualTo(1);
    }

    private Instant instant(String column, String title) {
        return jdbc.sql("select " + column + " from tasks where board_id = :b and title = :t")
                .param("b", board)
                .param("t", title)
                .query((rs, n) -> rs.getTimestamp(1).toInstant())
                .single();
    }
}
