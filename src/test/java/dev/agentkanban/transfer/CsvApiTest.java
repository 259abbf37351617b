package dev.agentkanban.transfer;

import static dev.agentkanban.support.Http.obj;
import static dev.agentkanban.transfer.TransferFixtures.boardId;
import static dev.agentkanban.transfer.TransferFixtures.post;
import static dev.agentkanban.transfer.TransferFixtures.send;
import static dev.agentkanban.transfer.TransferFixtures.snapshot;
import static dev.agentkanban.transfer.TransferFixtures.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.transfer.CliRuns.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/** CSV export and import of a board's tasks: RFC 4180 quoting, UTF-8, a lossless round trip, strict validation. */
class CsvApiTest extends ApiTest {

    static final String CSV = "text/csv";

    @Autowired
    ApplicationContext context;

    @TempDir
    Path dir;

    long source;

    @BeforeAll
    void board() {
        source = http.post("/api/v1/boards", obj("name", "CSV source")).id();
        long commaTask = http.post(
                        "/api/v1/tasks",
                        obj(
                                "board_id",
                                source,
                                "column",
                                "To Do",
                                "title",
                                "Comma, \"quote\" and more",
                                "description",
                                "first line\nsecond line, with comma\r\nthird \"quoted\" line",
                                "priority",
                                "urgent",
                                "epic",
                                "Import, export",
                                "area",
                                "api",
                                "owner",
                                "agent",
                                "assignee",
                                "Zoë",
                                "due_date",
                                "2026-01-15T12:00:00Z",
                                "occurrence_count",
                                3,
                                "metadata",
                                obj("source", "csv, test", "n", 2, "nested", obj("ok", true)),
                                "tags",
                                List.of("bug")))
                .id();
        // a tag made before names lost their commas (Tags.name refuses one now): the CSV keeps it, as the
        // tags column separates names with semicolons
        jdbc.sql("""
                with tag as (insert into tags (workspace_id, name) values (:ws, 'needs, comma') returning id)
                insert into task_tags (task_id, tag_id, workspace_id) select :task, id, :ws from tag
                """).param("ws", defaultWorkspace).param("task", commaTask).update();
        http.post(
                "/api/v1/tasks",
                obj(
                        "board_id",
                        source,
                        "column",
                        "To Do",
                        "title",
                        "日本語のタスク — Überprüfung ✓",
                        "acceptance_criteria",
                        "- [ ] works\n- [ ] documented"));
        long doing = http.post("/api/v1/tasks", obj("board_id", source, "column", "In Progress", "title", "Started"))
                .id();
        long done = http.post("/api/v1/tasks", obj("board_id", source, "column", "To Do", "title", "Finished"))
                .id();
        assertThat(http.post("/api/v1/tasks/" + done + "/complete", obj()).status())
                .isEqualTo(200);
        long dropped = http.post("/api/v1/tasks", obj("board_id", source, "title", "Dropped"))
                .id();
        assertThat(http.post("/api/v1/tasks/" + dropped + "/cancel", obj("reason", "no longer, \"needed\""))
                        .status())
                .isEqualTo(200);
        assertThat(doing).isPositive();
    }

    private String export(long board) {
        Response r = http.get("/api/v1/export/csv?board_id=" + board);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** The CSV without its id column, which an import does not keep. */
    private static List<List<String>> withoutIds(String csv) {
        return Csv.parse(csv).stream()
                .map(r -> r.fields().subList(1, r.fields().size()))
                .toList();
    }

    @Test
    void theExportIsRfc4180InUtf8() {
        Response r = http.get("/api/v1/export/csv?board_id=" + source);

        assertThat(r.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv").containsIgnoringCase("utf-8"));
        assertThat(r.header("Content-Disposition"))
                .hasValueSatisfying(d -> assertThat(d).contains("CSV-source.csv"));
        String csv = new String(r.bytes(), StandardCharsets.UTF_8);
        assertThat(csv).startsWith(String.join(",", CsvTransfer.HEADER) + "\r\n");
        assertThat(csv).contains("\"Comma, \"\"quote\"\" and more\"");
        assertThat(csv).contains("\"first line\nsecond line, with comma\r\nthird \"\"quoted\"\" line\"");
        assertThat(csv).contains("日本語のタスク — Überprüfung ✓");
        assertThat(csv).contains("\"bug; needs, comma\"");
        List<Csv.Row> rows = Csv.parse(csv);
        assertThat(rows).hasSize(6);
        assertThat(rows.stream().skip(1).map(row -> row.fields().get(CsvTransfer.HEADER.indexOf("column"))))
                .containsExactly("Backlog", "To Do", "To Do", "In Progress", "Done");
    }

    /** A new tag name with a comma is refused as the API refuses it (Tags.name), naming its line; nothing is written. */
    @Test
    void aNewTagNameWithACommaIsRefusedWithItsLine() {
        long tasksBefore = count("tasks");

        Response r = post(
                http,
                "/api/v1/import/csv?board=CSV%20comma",
                CSV,
                "title,tags\r\nok,bug\r\nbad,\"fresh; new, name\"\r\n");

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("line 3").contains("a tag name must not contain a comma");
        assertThat(count("tasks")).isEqualTo(tasksBefore);
        assertThat(jdbc.sql("select count(*) from tags where name in ('fresh', 'new, name')")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void exportImportExportKeepsEveryValue() {
        String first = export(source);

        Response r = post(http, "/api/v1/import/csv?board=CSV%20copy", CSV, first);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("imported").asInt()).isEqualTo(5);
        assertThat(r.json().get("board_created").asBoolean()).isTrue();
        long copy = boardId(jdbc, defaultWorkspace, "CSV copy");
        assertThat(withoutIds(export(copy))).isEqualTo(withoutIds(first));
        assertThat(tasks(jdbc, copy)).isEqualTo(tasks(jdbc, source));
    }

    @Test
    void formulaCellsAreNeutralisedOnExportAndReadBackAsTheyWere() {
        long board = http.post("/api/v1/boards", obj("name", "CSV formulas")).id();
        List<String> titles = List.of(
                "=HYPERLINK(\"http://evil.example\",\"click\")",
                "+1+1",
                "-starts with a dash",
                "@SUM(A1:A2)",
                "'quoted on purpose",
                "'=already neutral",
                "''",
                "plain title");
        for (String title : titles) {
            assertThat(http.post(
                                    "/api/v1/tasks",
                                    obj(
                                            "board_id",
                                            board,
                                            "title",
                                            title,
                                            "description",
                                            "\tTabbed =1",
                                            "epic",
                                            "-1 epic"))
                            .status())
                    .isEqualTo(201);
        }
        String csv = export(board);

        for (Csv.Row row : Csv.parseRaw(csv)) {
            for (String cell : row.fields()) {
                assertThat(cell)
                        .as("a spreadsheet would run this cell")
                        .doesNotStartWith("=")
                        .doesNotStartWith("+")
                        .doesNotStartWith("-")
                        .doesNotStartWith("@")
                        .doesNotStartWith("\t")
                        .doesNotStartWith("\r");
            }
        }
        assertThat(csv)
                .contains("\"'=HYPERLINK(")
                .contains(",'-starts with a dash,")
                .contains(",'quoted on purpose,")
                .contains(",''=already neutral,")
                .contains(",'',")
                .contains("'\tTabbed =1");

        Response r = post(http, "/api/v1/import/csv?board=CSV%20formulas%20copy", CSV, csv);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long copy = boardId(jdbc, defaultWorkspace, "CSV formulas copy");
        assertThat(jdbc.sql("select title from tasks where board_id = :b order by id")
                        .param("b", copy)
                        .query(String.class)
                        .list())
                .containsExactlyElementsOf(titles);
        assertThat(jdbc.sql("select distinct description || '|' || epic from tasks where board_id = :b")
                        .param("b", copy)
                        .query(String.class)
                        .list())
                .containsExactly("\tTabbed =1|-1 epic");
        assertThat(withoutIds(export(copy))).isEqualTo(withoutIds(csv));
    }

    @Test
    void parentsAndBlockersTravelBetweenRowsOfTheFile() {
        String csv = "id,title,parent_id,blocked_by\r\n7,epic,,\r\n8,part,7,\r\n9,later part,7,8; 10\r\n10,other,,\r\n";
        Response r = post(http, "/api/v1/import/csv?board=CSV%20breakdown", CSV, csv);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, List<String>> byTitle = new java.util.HashMap<>();
        Csv.parse(export(r.json().get("board_id").asLong())).stream()
                .skip(1)
                .forEach(row -> byTitle.put(row.fields().get(CsvTransfer.HEADER.indexOf("title")), row.fields()));
        int id = CsvTransfer.HEADER.indexOf("id");
        int parent = CsvTransfer.HEADER.indexOf("parent_id");
        int blockedBy = CsvTransfer.HEADER.indexOf("blocked_by");
        assertThat(byTitle.get("part").get(parent))
                .isEqualTo(byTitle.get("epic").get(id));
        assertThat(byTitle.get("later part").get(parent))
                .isEqualTo(byTitle.get("epic").get(id));
        assertThat(byTitle.get("later part").get(blockedBy))
                .isEqualTo(byTitle.get("part").get(id) + "; "
                        + byTitle.get("other").get(id));
        assertThat(byTitle.get("epic").get(parent)).isEmpty();

        long tasks = count("tasks");
        Response unknown =
                post(http, "/api/v1/import/csv?board=CSV%20breakdown", CSV, "id,title,blocked_by\r\n1,a,2\r\n");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body()).contains("line 2: blocked_by", "no row of this file has id 2");
        Response cycle = post(
                http, "/api/v1/import/csv?board=CSV%20breakdown", CSV, "id,title,blocked_by\r\n1,a,2\r\n2,b,1\r\n");
        assertThat(cycle.status()).isEqualTo(409);
        assertThat(count("tasks")).isEqualTo(tasks);
    }

    /**
     * A completed parent with an open subtask (a subtask reopened under it) is imported as the file has
     * it: the API refuses to add an open subtask to a completed task, but an export must import again.
     */
    @Test
    void aCompletedParentWithAReopenedSubtaskImportsAsExported() {
        String csv =
                "id,title,status,column,parent_id\r\n1,shipped epic,completed,Done,\r\n2,reopened part,pending,To Do,1\r\n";
        Response r = post(http, "/api/v1/import/csv?board=CSV%20reopened", CSV, csv);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long board = r.json().get("board_id").asLong();
        assertThat(jdbc.sql(
                                "select c.title from tasks c join task_relations r on r.to_task_id = c.id and r.kind = 'parent'"
                                        + " join tasks p on p.id = r.from_task_id where p.board_id = :b and p.status = 'completed'")
                        .param("b", board)
                        .query(String.class)
                        .list())
                .containsExactly("reopened part");
    }

    @Test
    void importingIntoAnExistingBoardAppendsToItsColumnsAndAnnouncesEachTask() {
        long target = http.post("/api/v1/boards", obj("name", "CSV target")).id();
        // this board's events only: reminders of the other boards' due tasks are written meanwhile
        String boardEvents = "select count(*) from outbox_events where board_id = :b"
                + " and type not in ('task_due_soon', 'task_overdue')";
        long events = jdbc.sql(boardEvents).param("b", target).query(Long.class).single();

        JsonNode report = post(http, "/api/v1/import/csv?board_id=" + target, "text/csv; charset=utf-8", export(source))
                .json();

        assertThat(report.get("board_created").asBoolean()).isFalse();
        assertThat(report.get("columns")
                        .valueStream()
                        .map(c -> c.get("column").asString() + "="
                                + c.get("imported").asInt()))
                .containsExactly("Backlog=1", "To Do=2", "In Progress=1", "Done=1");
        assertThat(jdbc.sql(boardEvents).param("b", target).query(Long.class).single() - events)
                .isEqualTo(5);
        assertThat(jdbc.sql("select count(*) from task_history h join tasks t on t.id = h.task_id where t.board_id = :b"
                                + " and h.action = 'tags_changed'")
                        .param("b", target)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aMinimalFileNeedsOnlyTitlesAndTakesColumnsByName() {
        long target = http.post("/api/v1/boards", obj("name", "CSV minimal")).id();
        String csv = "Title,Column,Unknown\r\nfirst,,x\r\nsecond,in progress,y\r\nthird,DONE,z\r\n";

        JsonNode report =
                post(http, "/api/v1/import/csv?board_id=" + target, CSV, csv).json();

        assertThat(report.get("imported").asInt()).isEqualTo(3);
        assertThat(report.get("ignored_columns").valueStream().map(JsonNode::asString))
                .containsExactly("Unknown");
        assertThat(tasks(jdbc, target))
                .extracting(t -> t.get("column_name") + "/" + t.get("title") + "/" + t.get("status"))
                .containsExactly("Backlog/first/pending", "In Progress/second/in_progress", "Done/third/completed");
    }

    /**
     * What the other imports make, the CSV import takes back: a task checked off under To Do in a TODO.md
     * is completed outside the done column, and its board's export imports again unchanged; an open task
     * in a done column is still refused.
     */
    @Test
    void aCompletedTaskOutsideTheDoneColumnRoundTrips() {
        long board = http.post("/api/v1/boards", obj("name", "CSV checked")).id();
        Response todo = post(
                http, "/api/v1/import/todo-md?board_id=" + board, "text/markdown", "## To Do\n- [x] checked early\n");
        assertThat(todo.status()).as(todo.body()).isEqualTo(200);
        String csv = export(board);
        assertThat(csv).contains("checked early").contains("completed");

        Response again = post(http, "/api/v1/import/csv?board=CSV%20checked%20again", CSV, csv);
        assertThat(again.status()).as(again.body()).isBetween(200, 201);
        long copy = jdbc.sql("select id from boards where name = 'CSV checked again'")
                .query(Long.class)
                .single();
        assertThat(withoutIds(export(copy))).isEqualTo(withoutIds(csv));

        Response open =
                post(http, "/api/v1/import/csv?board_id=" + board, CSV, "title,column,status\r\nx,Done,pending\r\n");
        assertThat(open.status()).as(open.body()).isEqualTo(422);
        assertThat(open.body()).contains("line 2: status");
    }

    /** Bytes that are not text in the charset the request names are a 422, not replacement characters. */
    @Test
    void bytesNotInTheDeclaredCharsetAre422() {
        long target = http.post("/api/v1/boards", obj("name", "CSV charset")).id();
        Map<String, Long> before = snapshot(jdbc);
        byte[] latin1 = "title\r\ncafé\r\n".getBytes(StandardCharsets.ISO_8859_1);
        Response r = send(http, "POST", "/api/v1/import/csv?board_id=" + target, "text/csv; charset=UTF-8", latin1);
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("is not UTF-8 text");
        assertThat(snapshot(jdbc)).isEqualTo(before);
        Response named =
                send(http, "POST", "/api/v1/import/csv?board_id=" + target, "text/csv; charset=ISO-8859-1", latin1);
        assertThat(named.status()).as(named.body()).isEqualTo(200);
        assertThat(tasks(jdbc, target)).extracting(t -> t.get("title")).contains("café");
    }

    @Test
    void badRowsAre422WithTheirLinesAndNothingIsImported() {
        long target = http.post("/api/v1/boards", obj("name", "CSV strict")).id();
        Map<String, Long> before = snapshot(jdbc);
        String csv = "title,priority,status,created_at,metadata\r\nfine,high,,,\r\n\"multi\nline\",extreme,,,\r\n"
                + "x,low,paused,yesterday,[1]\r\n,low,,,\r\nshifted,low,,,,extra\r\n";

        Response r = post(http, "/api/v1/import/csv?board_id=" + target, CSV, csv);

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").valueStream().map(e -> e.get("field").asString()))
                .containsExactlyInAnyOrder(
                        "line 3: priority",
                        "line 5: status",
                        "line 5: created_at",
                        "line 5: metadata",
                        "line 6: title",
                        "line 7");
        assertThat(snapshot(jdbc)).isEqualTo(before);
    }

    @Test
    void anUnknownColumnOfAnExistingBoardMalformedCsvAndAMissingTitleColumnChangeNothing() {
        long target = http.post("/api/v1/boards", obj("name", "CSV columns")).id();
        Map<String, Long> before = snapshot(jdbc);

        Response unknown = post(http, "/api/v1/import/csv?board_id=" + target, CSV, "title,column\r\na,Nowhere\r\n");
        Response contradicting = post(
                http,
                "/api/v1/import/csv?board_id=" + target,
                CSV,
                "title,column,status\r\nx,Done,pending\r\ny,Backlog,completed\r\nz,Done,completed\r\n");
        Response malformed = post(http, "/api/v1/import/csv?board_id=" + target, CSV, "title\r\n\"open\r\n");
        Response noTitle = post(http, "/api/v1/import/csv?board_id=" + target, CSV, "name\r\na\r\n");

        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body()).contains("has no column 'Nowhere'");
        assertThat(contradicting.status()).isEqualTo(422);
        assertThat(contradicting
                        .json()
                        .get("errors")
                        .valueStream()
                        .map(e -> e.get("field").asString()))
                .as("an open task in a done column; a completed one outside it is taken as written")
                .containsExactly("line 2: status");
        assertThat(malformed.status()).isEqualTo(422);
        assertThat(malformed.body()).contains("never closed");
        assertThat(noTitle.status()).isEqualTo(422);
        assertThat(post(http, "/api/v1/import/csv", CSV, "title\r\na\r\n").status())
                .isEqualTo(422);
        assertThat(http.get("/api/v1/export/csv").status()).isEqualTo(422);
        assertThat(snapshot(jdbc)).isEqualTo(before);
        assertThat(post(
                                clientFor("csv-agent", defaultWorkspace, Role.AGENT),
                                "/api/v1/import/csv?board_id=" + target,
                                CSV,
                                "title\r\na\r\n")
                        .status())
                .isEqualTo(403);
        assertThat(snapshot(jdbc)).isEqualTo(before);
    }

    /** Imports and exports find a board by name ignoring case, as every route does; a shared name needs the id. */
    @Test
    void aBoardNameIsFoundIgnoringCaseAndASharedOneIsRefused() {
        long board = http.post("/api/v1/boards", obj("name", "Csv Named Board")).id();
        http.post("/api/v1/tasks", obj("board_id", board, "title", "exported by name"));
        Response byName = http.get("/api/v1/export/csv?board=csv%20named%20BOARD");
        assertThat(byName.status()).as(byName.body()).isEqualTo(200);
        assertThat(byName.body()).contains("exported by name");

        http.post("/api/v1/boards", obj("name", "Csv Twin"));
        http.post("/api/v1/boards", obj("name", "csv twin"));
        Response shared = http.get("/api/v1/export/csv?board=Csv%20Twin");
        assertThat(shared.status()).isEqualTo(422);
        assertThat(shared.body()).contains("several boards are named");
    }

    @Test
    void aFormUploadWorks() {
        Response r = TransferFixtures.upload(
                http,
                "/api/v1/import/csv?board=CSV%20uploaded",
                "tasks.csv",
                "text/csv",
                export(source).getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("imported").asInt()).isEqualTo(5);
    }

    @Test
    void theCommandsExportAndImportFiles() throws IOException {
        Path file = dir.resolve("tasks.csv");

        Run exported = CliRuns.inApp(context, "export-csv", "--board", "CSV source", "--output", file.toString());
        Run imported = CliRuns.inApp(context, "import-csv", file.toString(), "--board", "CSV from file");
        Run bad = CliRuns.inApp(
                context,
                "import-csv",
                write("bad.csv", "title,priority\r\nx,extreme\r\n").toString(),
                "--board",
                "CSV from file");

        assertThat(exported.exit()).as(exported.err()).isZero();
        assertThat(Files.readString(file)).isEqualTo(export(source));
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("Total: imported 5");
        assertThat(tasks(jdbc, boardId(jdbc, defaultWorkspace, "CSV from file")))
                .isEqualTo(tasks(jdbc, source));
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("line 2: priority");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
