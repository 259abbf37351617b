package dev.agentkanban.transfer;

import static dev.agentkanban.transfer.TransferFixtures.boardId;
import static dev.agentkanban.transfer.TransferFixtures.post;
import static dev.agentkanban.transfer.TransferFixtures.snapshot;
import static dev.agentkanban.transfer.TransferFixtures.tasks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** TODO.md import and export over HTTP: every line variant, dry run, idempotence, all-or-nothing, round trip. */
class TodoImportApiTest extends ApiTest {

    static final String MD = "text/markdown";
    private final String variants = TransferFixtures.text("todo-variants.md");

    private Response importTodo(String query, String body) {
        return post(http, "/api/v1/import/todo-md" + query, MD, body);
    }

    private static String board(String name) {
        return "?board=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private Map<String, Object> task(long board, String titleStart) {
        return tasks(jdbc, board).stream()
                .filter(t -> t.get("title").toString().startsWith(titleStart))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no task " + titleStart));
    }

    @Autowired
    private DataSource dataSource;

    @Test
    void aSecondRunStartedWhileTheFirstRunsAddsNothing() throws Exception {
        String file = "## To Do\n- [ ] one (id:1)\n- [ ] two (id:2)\n- [ ] three\n";
        CompletableFuture<Response> first;
        CompletableFuture<Response> second;
        try (Connection holder = dataSource.getConnection();
                Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            // the first run has made its board and waits to write its tasks
            s.execute("lock table tasks in share mode");
            first = CompletableFuture.supplyAsync(() -> importTodo(board("Twice at once"), file));
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting() == 1);
            second = CompletableFuture.supplyAsync(() -> importTodo(board("Twice at once"), file));
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting() == 2);
            holder.commit();
        }
        Response a = first.get(30, TimeUnit.SECONDS);
        Response b = second.get(30, TimeUnit.SECONDS);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(b.status()).as(b.body()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from boards where name = 'Twice at once'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(tasks(jdbc, boardId(jdbc, defaultWorkspace, "Twice at once")))
                .hasSize(3);
        assertThat(b.json().get("imported").asInt() + a.json().get("imported").asInt())
                .isEqualTo(3);
    }

    /** Sessions of this database waiting for a lock (a table's or an advisory one). */
    private long waiting() {
        return jdbc.sql("select count(*) from pg_locks l join pg_database d on d.oid = l.database"
                        + " where d.datname = current_database() and not l.granted")
                .query(Long.class)
                .single();
    }

    @Test
    void importsEveryLineVariantIntoItsColumn() {
        Response r = importTodo(board("Variants"), variants);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode report = r.json();
        assertThat(report.get("dry_run").asBoolean()).isFalse();
        assertThat(report.get("board_created").asBoolean()).isTrue();
        assertThat(report.get("found").asInt()).isEqualTo(21);
        assertThat(report.get("imported").asInt()).isEqualTo(21);
        assertThat(report.get("skipped").asInt()).isZero();
        assertThat(report.get("columns")
                        .valueStream()
                        .map(c -> c.get("column").asString() + "="
                                + c.get("imported").asInt()))
                .containsExactly("Backlog=5", "To Do=13", "In Progress=1", "Done=2");

        long b = boardId(jdbc, defaultWorkspace, "Variants");
        Map<String, Object> json = task(b, "Task with JSON");
        assertThat(json)
                .containsEntry("column_name", "To Do")
                .containsEntry("priority", "low")
                .containsEntry("epic", "Billing")
                .containsEntry("assignee", "alice")
                .containsEntry("occurrence_count", "3")
                .containsEntry("status", "pending");
        assertThat(instant(b, "created_at", "Task with JSON")).isEqualTo(Instant.parse("2025-10-29T15:00:00Z"));
        assertThat(json.get("metadata").toString()).contains("\"original_created_at\": \"2025-10-29T10:00:00-05:00\"");

        Map<String, Object> shipped = task(b, "Shipped it");
        assertThat(shipped).containsEntry("column_name", "Done").containsEntry("status", "completed");
        assertThat(shipped.get("metadata").toString()).contains("\"original_id\": 7");
        assertThat(instant(b, "completed_at", "Shipped it")).isEqualTo(Instant.parse("2025-09-03T23:45:00Z"));
        assertThat(task(b, "Checked in To Do"))
                .containsEntry("column_name", "To Do")
                .containsEntry("status", "completed");
        assertThat(task(b, "Unchecked line in Completed")).containsEntry("status", "completed");
        assertThat(task(b, "Working on it"))
                .containsEntry("column_name", "In Progress")
                .containsEntry("status", "in_progress");
        assertThat(task(b, "Prefix priority task")).containsEntry("priority", "high");
        assertThat(task(b, "Owner tag task")).containsEntry("owner", "agent");
        assertThat(task(b, "Urgent via JSON")).containsEntry("priority", "urgent");
        assertThat(task(b, "With id").get("metadata").toString()).contains("\"original_id\": 42");
        assertThat(task(b, "Non-Latin"))
                .containsEntry("title", "Non-Latin: Überprüfung 日本語のタスク, \"quoted\"")
                .containsEntry("epic", "国際化");
        assertThat(task(b, "Broken JSON"))
                .containsEntry("title", "Broken JSON {\"created_at\": \"2025-10-29T10:00:00Z\", \"epic\": }");

        assertThat(report.get("warnings")
                        .valueStream()
                        .map(w ->
                                w.get("line").asInt() + ": " + w.get("message").asString()))
                .anyMatch(w -> w.startsWith("25: malformed JSON"))
                .anyMatch(w -> w.startsWith("26: unreadable task line"))
                .anyMatch(w -> w.startsWith("30: created_at 'yesterday'"));
    }

    @Test
    void everyImportedTaskIsAuditedAndAnnouncedOnce() {
        Response r = importTodo(board("Audited"), variants);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long b = boardId(jdbc, defaultWorkspace, "Audited");

        assertThat(jdbc.sql(
                                "select count(*) from task_history where board_id = :b and action = 'created' and actor = 'tester'")
                        .param("b", b)
                        .query(Long.class)
                        .single())
                .isEqualTo(21);
        assertThat(jdbc.sql("select count(*) from outbox_events where board_id = :b and type = 'task_created'")
                        .param("b", b)
                        .query(Long.class)
                        .single())
                .isEqualTo(21);
        assertThat(jdbc.sql(
                                "select count(distinct task_id) from outbox_events where board_id = :b and type = 'task_created'"
                                        + " and payload->>'import' = 'todo-md' and payload->'task'->>'title' is not null")
                        .param("b", b)
                        .query(Long.class)
                        .single())
                .isEqualTo(21);
        assertThat(http.get("/api/v1/boards/" + b + "/tasks").status()).isEqualTo(200);
    }

    @Test
    void aDryRunReportsThePlanAndWritesNothing() {
        Map<String, Long> before = snapshot(jdbc);

        Response r = importTodo(board("Dry") + "&dry_run=true", variants);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("dry_run").asBoolean()).isTrue();
        assertThat(r.json().get("board_created").asBoolean()).isTrue();
        assertThat(r.json().get("imported").asInt()).isEqualTo(21);
        assertThat(r.json().get("warnings").size()).isGreaterThanOrEqualTo(3);
        assertThat(snapshot(jdbc)).isEqualTo(before);
    }

    @Test
    void linesTheDatabaseCouldNotHoldAreImportedAsWellAsTheyCanBeAndReportedByLine() {
        String file = "## To Do\n"
                + "- [ ] nul \u0000 char\n"
                + "- [ ] far future {\"created_at\": \"+99999-01-01T00:00:00Z\"}\n"
                + "- [ ] big extra {\"blob\": \"" + "b".repeat(70_000) + "\"}\n"
                + "- [ ] " + "word ".repeat(30_000) + "\n";

        Response plan = importTodo(board("Unholdable") + "&dry_run=true", file);
        Response run = importTodo(board("Unholdable"), file);

        assertThat(run.status()).as(run.body()).isEqualTo(200);
        assertThat(run.json().get("imported").asInt()).isEqualTo(4);
        assertThat(run.json()
                        .get("warnings")
                        .valueStream()
                        .map(w -> w.get("line").asInt()))
                .containsExactlyInAnyOrder(2, 3, 4, 5);
        assertThat(plan.json().get("warnings")).isEqualTo(run.json().get("warnings"));
        assertThat(task(boardId(jdbc, defaultWorkspace, "Unholdable"), "nul").get("title"))
                .isEqualTo("nul  char");
    }

    @Test
    void aBoardNameWithALineBreakStaysOnTheExportsTitleLine() {
        long b = http.post("/api/v1/boards", Map.of("name", "Sprint 1\n- [x] phantom task (id:1)"))
                .id();
        String exported = http.get("/api/v1/export/todo-md?board_id=" + b).body();

        assertThat(exported.lines().findFirst()).hasValue("# Sprint 1 - [x] phantom task (id:1)");
        assertThat(importTodo(board("Phantom") + "&dry_run=true", exported)
                        .json()
                        .get("found")
                        .asInt())
                .isZero();
    }

    @Test
    void aBoardsOwnExportImportedBackIntoItAddsNothing() {
        Response created = http.post(
                "/api/v1/boards",
                Map.of(
                        "name",
                        "Six kinds",
                        "columns",
                        List.of(
                                Map.of("name", "Ideas", "kind", "backlog"),
                                Map.of("name", "Ready", "kind", "todo"),
                                Map.of("name", "Doing", "kind", "in_progress"),
                                Map.of("name", "Review", "kind", "review"),
                                Map.of("name", "Blocked", "kind", "blocked"),
                                Map.of("name", "Shipped", "kind", "done"))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long b = created.id();
        for (JsonNode column : created.json().get("columns")) {
            Response t = http.post(
                    "/api/v1/tasks",
                    Map.of(
                            "board_id",
                            b,
                            "column_id",
                            column.get("id").asLong(),
                            "title",
                            "in " + column.get("name").asString()));
            assertThat(t.status()).as(t.body()).isEqualTo(201);
        }
        String exported = http.get("/api/v1/export/todo-md?board_id=" + b).body();

        JsonNode again = importTodo("?board_id=" + b, exported).json();

        assertThat(again.get("found").asInt()).isEqualTo(6);
        assertThat(again.get("imported").asInt()).as(again.toString()).isZero();
        assertThat(tasks(jdbc, b)).hasSize(6);
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedUnlessItsCharsetIsNamedAndUtf16IsReadByItsMark() {
        byte[] latin1 = "## To Do\n- [ ] caf\u00e9 latin1\n".getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Long> before = snapshot(jdbc);

        Response refused = TransferFixtures.send(http, "POST", "/api/v1/import/todo-md" + board("Latin"), MD, latin1);

        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(snapshot(jdbc)).isEqualTo(before);
        Response named = TransferFixtures.send(
                http, "POST", "/api/v1/import/todo-md" + board("Latin"), MD + "; charset=ISO-8859-1", latin1);
        assertThat(named.status()).as(named.body()).isEqualTo(200);
        assertThat(task(boardId(jdbc, defaultWorkspace, "Latin"), "caf").get("title"))
                .isEqualTo("caf\u00e9 latin1");

        byte[] utf16 = "\uFEFF## To Do\n- [ ] wide\n".getBytes(StandardCharsets.UTF_16LE);
        Response wide = TransferFixtures.send(http, "POST", "/api/v1/import/todo-md" + board("Wide"), MD, utf16);
        assertThat(wide.status()).as(wide.body()).isEqualTo(200);
        assertThat(wide.json().get("imported").asInt()).isEqualTo(1);
    }

    @Test
    void aBareDryRunFlagIsADryRun() {
        Map<String, Long> before = snapshot(jdbc);

        Response r = importTodo(board("Bare flag") + "&dry_run", variants);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("dry_run").asBoolean()).isTrue();
        assertThat(snapshot(jdbc)).isEqualTo(before);
        assertThat(importTodo(board("Bare flag") + "&dry_run=maybe", variants).status())
                .isEqualTo(422);
    }

    @Test
    void aDryRunAgainstAnImportedBoardPlansToSkipEverything() {
        importTodo(board("Dry again"), variants);
        Map<String, Long> before = snapshot(jdbc);

        JsonNode plan =
                importTodo(board("Dry again") + "&dry_run=true", variants).json();

        assertThat(plan.get("imported").asInt()).isZero();
        assertThat(plan.get("skipped").asInt()).isEqualTo(21);
        assertThat(snapshot(jdbc)).isEqualTo(before);
    }

    @Test
    void aSecondImportAddsNothing() {
        assertThat(importTodo(board("Twice"), variants).json().get("imported").asInt())
                .isEqualTo(21);
        Map<String, Long> before = snapshot(jdbc);

        JsonNode again = importTodo(board("Twice"), variants).json();

        assertThat(again.get("board_created").asBoolean()).isFalse();
        assertThat(again.get("imported").asInt()).isZero();
        assertThat(again.get("skipped").asInt()).isEqualTo(21);
        assertThat(again.get("columns").valueStream().map(c -> c.get("skipped").asInt()))
                .containsExactly(5, 13, 1, 2);
        assertThat(snapshot(jdbc)).isEqualTo(before);
    }

    @Test
    void repeatedLinesAreImportedAsOftenAsTheyAppearAndOnlyOnce() {
        String md = "## To Do\n- [ ] same text\n- [ ] same text\n";
        assertThat(importTodo(board("Repeats"), md).json().get("imported").asInt())
                .isEqualTo(2);
        JsonNode again = importTodo(board("Repeats"), md + "- [ ] same text\n").json();
        assertThat(again.get("imported").asInt()).isEqualTo(1);
        assertThat(again.get("skipped").asInt()).isEqualTo(2);
    }

    @Test
    void aTaskWithAnOriginalIdIsFoundAgainAfterItMovedAndWasRenamed() {
        String md = "## To Do\n- [ ] Keep me {\"epic\": \"E\"} (id:901)\n";
        importTodo(board("Moved"), md);
        long b = boardId(jdbc, defaultWorkspace, "Moved");
        long task = jdbc.sql("select id from tasks where board_id = :b")
                .param("b", b)
                .query(Long.class)
                .single();
        assertThat(http.post("/api/v1/tasks/" + task + "/move", Http.obj("column", "In Progress"))
                        .status())
                .isEqualTo(200);
        assertThat(http.patch("/api/v1/tasks/" + task, Http.obj("title", "Renamed"))
                        .status())
                .isEqualTo(200);

        JsonNode again = importTodo(board("Moved"), md).json();

        assertThat(again.get("imported").asInt()).isZero();
        assertThat(again.get("skipped").asInt()).isEqualTo(1);
    }

    @Test
    void aFailureMidFileLeavesTheDatabaseUnchanged() {
        StringBuilder md = new StringBuilder("## To Do\n");
        for (int i = 1; i <= 300; i++) {
            md.append("- [ ] Task ").append(i).append('\n');
        }
        jdbc.sql("""
                create function fail_on_task_150() returns trigger language plpgsql as $$
                begin raise exception 'simulated failure at %', new.title; end $$
                """).update();
        jdbc.sql("create trigger fail_on_task_150 before insert on tasks for each row when (new.title = 'Task 150')"
                        + " execute function fail_on_task_150()")
                .update();
        try {
            Map<String, Long> before = snapshot(jdbc);

            Response r = importTodo(board("Half"), md.toString());

            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body()).doesNotContain("simulated failure").doesNotContain("at dev.");
            assertThat(snapshot(jdbc)).isEqualTo(before);
            assertThat(jdbc.sql("select count(*) from boards where name = 'Half'")
                            .query(Long.class)
                            .single())
                    .isZero();
        } finally {
            jdbc.sql("drop trigger fail_on_task_150 on tasks").update();
            jdbc.sql("drop function fail_on_task_150()").update();
        }
    }

    @Test
    void aLargeFileImportsInSeconds() {
        StringBuilder md = new StringBuilder("# TODO\n");
        String[] sections = {"Backlog", "To Do", "In Progress", "Completed"};
        int n = 0;
        for (String section : sections) {
            md.append("\n## ").append(section).append("\n\n");
            for (int i = 0; i < 300; i++, n++) {
                md.append(section.equals("Completed") ? "- [x] " : "- [ ] ")
                        .append(i % 3 == 0 ? "(high) " : "")
                        .append(i % 5 == 0 ? "[agent] " : "")
                        .append("Area ")
                        .append(n % 7)
                        .append(": generated task ")
                        .append(n)
                        .append(" {\"created_at\": \"2025-10-")
                        .append(10 + n % 20)
                        .append("T08:00:00+02:00\", \"occurrence_count\": ")
                        .append(1 + n % 4)
                        .append("}")
                        .append(" (id:")
                        .append(n)
                        .append(")\n");
            }
        }
        long started = System.nanoTime();

        Response r = importTodo(board("Large"), md.toString());

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("imported").asInt()).isEqualTo(1200);
        assertThat(took).isLessThan(Duration.ofSeconds(30));
        long b = boardId(jdbc, defaultWorkspace, "Large");
        assertThat(jdbc.sql("select count(*) from tasks where board_id = :b")
                        .param("b", b)
                        .query(Long.class)
                        .single())
                .isEqualTo(1200);
        assertThat(jdbc.sql("select count(*) from tasks where board_id = :b and status = 'completed'")
                        .param("b", b)
                        .query(Long.class)
                        .single())
                .isEqualTo(300);
        System.out.println("1200-task TODO.md import took " + took.toMillis() + " ms");
    }

    @Test
    void importThenExportThenImportIsStable() {
        importTodo(board("Round 1"), variants);
        long first = boardId(jdbc, defaultWorkspace, "Round 1");
        Response e1 = http.get("/api/v1/export/todo-md?board_id=" + first);
        assertThat(e1.status()).isEqualTo(200);
        assertThat(e1.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/markdown"));
        assertThat(e1.header("Content-Disposition"))
                .hasValueSatisfying(d -> assertThat(d).contains("TODO.md"));

        JsonNode second = importTodo(board("Round 2"), e1.body()).json();
        assertThat(second.get("warnings").size()).as(second.toString()).isZero();
        assertThat(second.get("imported").asInt()).isEqualTo(21);
        long next = boardId(jdbc, defaultWorkspace, "Round 2");
        String e2 = http.get("/api/v1/export/todo-md?board_id=" + next).body();

        assertThat(e2.replace("# Round 2", "# Round 1")).isEqualTo(e1.body());
        List<Map<String, Object>> a = tasks(jdbc, first);
        List<Map<String, Object>> b = tasks(jdbc, next);
        // the first import kept what the file said; the second keeps the same, plus the timestamps the
        // export made explicit for tasks whose line had none
        for (int i = 0; i < a.size(); i++) {
            a.get(i).remove("metadata");
            b.get(i).remove("metadata");
        }
        assertThat(b).isEqualTo(a);
        assertThat(importTodo(board("Round 2"), e1.body())
                        .json()
                        .get("imported")
                        .asInt())
                .isZero();
    }

    @Test
    void anExportedBoardImportsBackIntoItselfAsNothingNew() {
        importTodo(board("Self"), variants);
        long b = boardId(jdbc, defaultWorkspace, "Self");
        String exported = http.get("/api/v1/export/todo-md?board_id=" + b).body();

        assertThat(importTodo("?board_id=" + b, exported).json().get("imported").asInt())
                .isZero();
    }

    @Test
    void aFormUploadWorksLikeABody() {
        Response r = TransferFixtures.upload(
                http,
                "/api/v1/import/todo-md?board=Uploaded",
                "TODO.md",
                "text/markdown",
                variants.getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("imported").asInt()).isEqualTo(21);
        assertThat(task(boardId(jdbc, defaultWorkspace, "Uploaded"), "Non-Latin")
                        .get("title"))
                .isEqualTo("Non-Latin: Überprüfung 日本語のタスク, \"quoted\"");
    }

    @Test
    void withoutABoardTheFileGoesToTheTodoBoard() {
        Response r = post(
                http, "/api/v1/import/todo-md", "text/plain; charset=utf-8", "## To Do\n- [ ] to the default board\n");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("board").asString()).isEqualTo("TODO");
        assertThat(http.get("/api/v1/export/todo-md?board=TODO").body()).contains("- [ ] to the default board");
    }

    @Test
    void anUnknownBoardIdIs404AndChangesNothing() {
        Map<String, Long> before = snapshot(jdbc);

        assertThat(importTodo("?board_id=987654", variants).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/export/todo-md?board_id=987654").status()).isEqualTo(404);
        assertThat(snapshot(jdbc)).isEqualTo(before);
    }

    @Test
    void importingNeedsTheMemberRole() {
        Http agent = clientFor("todo-agent", defaultWorkspace, Role.AGENT);
        Http viewer = clientFor("todo-viewer", defaultWorkspace, Role.VIEWER);
        Map<String, Long> before = snapshot(jdbc);

        assertThat(post(agent, "/api/v1/import/todo-md", MD, variants).status()).isEqualTo(403);
        assertThat(post(viewer, "/api/v1/import/todo-md", MD, variants).status())
                .isEqualTo(403);
        assertThat(post(http.anonymous(), "/api/v1/import/todo-md", MD, variants)
                        .status())
                .isEqualTo(401);
        assertThat(snapshot(jdbc)).isEqualTo(before);
    }

    @Test
    void anotherWorkspacesBoardIsNotFound() {
        importTodo(board("Private"), "## To Do\n- [ ] mine\n");
        long b = boardId(jdbc, defaultWorkspace, "Private");
        Http outsider = clientFor("todo-outsider", otherWorkspace("todo-elsewhere"), Role.ADMIN);

        assertThat(post(outsider, "/api/v1/import/todo-md?board_id=" + b, MD, variants)
                        .status())
                .isEqualTo(404);
        assertThat(outsider.get("/api/v1/export/todo-md?board_id=" + b).status())
                .isEqualTo(404);
    }

    /**
     * A script posting a file often names no type ({@code requests.post(url, data=f)}) or a generic one
     * ({@code application/octet-stream}): the route knows its format, so it reads the body as the file.
     * They were a 415 with "Content-Type 'null' is not supported".
     */
    @Test
    void aFileSentWithoutATypeOrAsOctetStreamIsRead() {
        Response untyped = post(http, "/api/v1/import/todo-md?board=Untyped", null, "## To Do\n- [ ] no type\n");
        assertThat(untyped.status()).as(untyped.body()).isEqualTo(200);
        assertThat(untyped.json().get("imported").asInt()).isEqualTo(1);
        Response octets = post(
                http,
                "/api/v1/import/todo-md?board=Untyped",
                "application/octet-stream",
                "\uFEFF## In Progress\r\n- [ ] as octets \u00fc\r\n");
        assertThat(octets.status()).as(octets.body()).isEqualTo(200);
        assertThat(tasks(jdbc, boardId(jdbc, defaultWorkspace, "Untyped")))
                .extracting(t -> t.get("title"))
                .containsExactlyInAnyOrder("no type", "as octets \u00fc");

        Response csv = post(http, "/api/v1/import/csv?board=Untyped", null, "title,column\r\nfrom csv,To Do\r\n");
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        assertThat(post(http, "/api/v1/import/csv?board=Untyped", "application/octet-stream", "title\nalso csv\n")
                        .status())
                .isEqualTo(200);

        String trello = """
                {"name": "Untyped Trello", "lists": [{"id": "l1", "name": "Doing", "pos": 1, "closed": false}],
                 "cards": [{"id": "5f0000000000000000000001", "idList": "l1", "name": "a card", "pos": 1}]}
                """;
        Response board = post(http, "/api/v1/import/trello", null, trello);
        assertThat(board.status()).as(board.body()).isEqualTo(201);
        assertThat(board.json().get("board").asString()).isEqualTo("Untyped Trello");
        Response broken = post(http, "/api/v1/import/trello", "application/octet-stream", "{\"lists\": [");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    }

    @Test
    void anUnsupportedBodyTypeIsRefused() {
        assertThat(post(http, "/api/v1/import/todo-md", "application/pdf", "%PDF")
                        .status())
                .isEqualTo(415);
    }

    @Test
    void checkboxLinesUnderATaskBecomeItsChecklistAndTravelBackAndForth() {
        String file = """
                ## To Do
                - [ ] Plan the release (id:5)
                  - [x] freeze the branch
                  - [ ] write the notes
                - [ ] Unrelated task
                """;
        Response r = importTodo(board("Notes"), file);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("imported").asInt()).isEqualTo(2);
        long b = boardId(jdbc, defaultWorkspace, "Notes");
        long plan = taskId(b, "Plan the release");
        JsonNode checklist = http.get("/api/v1/tasks/" + plan + "/checklist").json();
        assertThat(checklist.get("items").valueStream().map(i -> i.get("text").asString() + " " + i.get("done")))
                .containsExactly("freeze the branch true", "write the notes false");
        assertThat(http.get("/api/v1/tasks/" + plan)
                        .json()
                        .get("checklist")
                        .get("total")
                        .asLong())
                .isEqualTo(2);

        String exported = http.get("/api/v1/export/todo-md?board_id=" + b).body();
        assertThat(exported)
                .contains("(id:5)\n  - [x] freeze the branch\n  - [ ] write the notes\n- [ ] Unrelated task");
        Response again = importTodo(board("Notes again"), exported);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        long copy = taskId(boardId(jdbc, defaultWorkspace, "Notes again"), "Plan the release");
        assertThat(http.get("/api/v1/tasks/" + copy + "/checklist")
                        .json()
                        .get("items")
                        .valueStream()
                        .map(i -> i.get("text").asString() + " " + i.get("done")))
                .containsExactly("freeze the branch true", "write the notes false");
    }

    private long taskId(long board, String title) {
        return jdbc.sql("select id from tasks where board_id = :b and title = :t")
                .param("b", board)
                .param("t", title)
                .query(Long.class)
                .single();
    }

    private Instant instant(long board, String column, String title) {
        return jdbc.sql("select " + column + " from tasks where board_id = :b and title = :t")
                .param("b", board)
                .param("t", title)
                .query((rs, n) -> rs.getTimestamp(1).toInstant())
                .single();
    }
}
