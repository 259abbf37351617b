package dev.agentkanban.transfer;

import static dev.agentkanban.transfer.CliRuns.capture;
import static dev.agentkanban.transfer.CliRuns.cli;
import static dev.agentkanban.transfer.TransferFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.transfer.CliRuns.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.context.LifecycleProcessor;

/** The {@code migrate-todo} and {@code export-todo} commands: backup, dry run, idempotence, all or nothing, exit codes. */
class TodoCliTest extends ApiTest {

    @Autowired
    ApplicationContext context;

    @TempDir
    Path dir;

    private Run inApp(String mode, String... args) {
        return CliRuns.inApp(context, mode, args);
    }

    private Path todoFile() throws IOException {
        Path file = dir.resolve("TODO.md");
        Files.write(file, TransferFixtures.resource("todo-variants.md"));
        return file;
    }

    @Test
    void aDryRunThenARealRunThenARepeatAsTheJarRunsThem() throws IOException {
        Path file = todoFile();
        Map<String, Long> before = snapshot(jdbc);

        Run dry = cli("migrate-todo", file.toString(), "--dry-run", "--board", "CLI board");

        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out())
                .contains("Dry run: nothing was written.")
                .contains("Board 'CLI board', would be created")
                .contains("Total: found 21, would import 21, skipped 0")
                .contains("line 25: malformed JSON");
        assertThat(snapshot(jdbc)).isEqualTo(before);
        assertThat(Files.exists(dir.resolve("TODO.md.backup"))).isFalse();
        assertThat(Files.list(dir).toList()).containsExactly(file);

        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Run real = cli("migrate-todo", file.toString(), "--board=CLI board");

        assertThat(real.exit()).as(real.err()).isZero();
        assertThat(real.out())
                .contains("Total: found 21, imported 21, skipped 0")
                .containsPattern("Done:\\s+found 2, imported 2, skipped 0")
                .contains("Backup of the file: " + dir.resolve("TODO.md.backup"));
        Path backup = dir.resolve("TODO.md.backup");
        assertThat(Files.mismatch(backup, file)).isEqualTo(-1L);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)))
                .as("no more readable than the file")
                .isEqualTo("rw-------");
        assertThat(Files.readAllBytes(backup)).isEqualTo(TransferFixtures.resource("todo-variants.md"));
        long board = TransferFixtures.boardId(jdbc, defaultWorkspace, "CLI board");
        assertThat(jdbc.sql(
                                "select count(*) from task_history where board_id = :b and action = 'created' and actor = 'migrate-todo'")
                        .param("b", board)
                        .query(Long.class)
                        .single())
                .isEqualTo(21);
        assertThat(jdbc.sql("select distinct created_by from tasks where board_id = :b")
                        .param("b", board)
                        .query(String.class)
                        .list())
                .containsExactly("migrate-todo");

        Map<String, Long> afterFirst = snapshot(jdbc);
        Run again = cli("migrate-todo", file.toString(), "--board", "CLI board");

        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("Total: found 21, imported 0, skipped 21");
        assertThat(snapshot(jdbc)).isEqualTo(afterFirst);
        assertThat(Files.mismatch(dir.resolve("TODO.md.backup"), file)).isEqualTo(-1L);
    }

    @Test
    void aFailedMigrationChangesNothingAndSaysSo() throws IOException {
        Path file = todoFile();
        jdbc.sql("""
                create function fail_on_shipped() returns trigger language plpgsql as $$
                begin raise exception 'simulated failure'; end $$
                """).update();
        jdbc.sql("create trigger fail_on_shipped before insert on tasks for each row when (new.title = 'Shipped it')"
                        + " execute function fail_on_shipped()")
                .update();
        try {
            Map<String, Long> before = snapshot(jdbc);

            Run run = inApp("migrate-todo", file.toString(), "--board", "Never");

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).contains("migrate-todo failed; nothing was changed");
            assertThat(snapshot(jdbc)).isEqualTo(before);
            assertThat(Files.mismatch(dir.resolve("TODO.md.backup"), file)).isEqualTo(-1L);
        } finally {
            jdbc.sql("drop trigger fail_on_shipped on tasks").update();
            jdbc.sql("drop function fail_on_shipped()").update();
        }
    }

    @Test
    void aChangedFileKeepsTheOlderBackupAndNumbersTheNewOne() throws IOException {
        Path file = todoFile();
        assertThat(inApp("migrate-todo", file.toString(), "--board", "Backups").exit())
                .isZero();
        Files.writeString(file, Files.readString(file) + "- [ ] one more\n");

        Run run = inApp("migrate-todo", file.toString(), "--board", "Backups");

        assertThat(run.out()).contains("imported 1, skipped 21");
        assertThat(Files.readAllBytes(dir.resolve("TODO.md.backup")))
                .isEqualTo(TransferFixtures.resource("todo-variants.md"));
        assertThat(Files.mismatch(dir.resolve("TODO.md.backup.1"), file)).isEqualTo(-1L);
    }

    @Test
    void theWorkspaceOptionChoosesTheWorkspaceBySlugOrId() throws IOException {
        long other = otherWorkspace("cli-team");
        Path file = dir.resolve("small.md");
        Files.writeString(file, "## To Do\n- [ ] for the team\n");

        assertThat(inApp("migrate-todo", file.toString(), "--workspace", "cli-team")
                        .exit())
                .isZero();
        assertThat(inApp("migrate-todo", file.toString(), "--workspace", Long.toString(other))
                        .out())
                .contains("imported 0, skipped 1");

        assertThat(jdbc.sql("select workspace_id from tasks where title = 'for the team'")
                        .query(Long.class)
                        .list())
                .containsExactly(other);
        Run missing = inApp("migrate-todo", file.toString(), "--workspace", "nobody-here");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no workspace 'nobody-here'");
    }

    @Test
    void exportTodoWritesTheBoardToAFileOrStdout() throws IOException {
        Path file = todoFile();
        inApp("migrate-todo", file.toString(), "--board", "Exported");
        Path out = dir.resolve("out.md");

        Run toFile = inApp("export-todo", "--board", "Exported", "--output", out.toString());
        Run toStdout = inApp("export-todo", "--board", "Exported");

        assertThat(toFile.exit()).as(toFile.err()).isZero();
        long board = TransferFixtures.boardId(jdbc, defaultWorkspace, "Exported");
        String viaHttp = http.get("/api/v1/export/todo-md?board_id=" + board).body();
        assertThat(Files.readString(out)).isEqualTo(viaHttp);
        assertThat(toStdout.out()).isEqualTo(viaHttp);
        assertThat(inApp("export-todo", "--board", Long.toString(board)).out()).isEqualTo(viaHttp);
        assertThat(inApp("export-todo", "--board", "No such board").exit()).isEqualTo(1);
    }

    @Test
    void wrongUsageExitsWithTwoBeforeTouchingTheDatabase() {
        Run noFile = capture(s -> TransferCli.run("migrate-todo", new String[0], CliRuns.LAUNCHER, s.out(), s.err()));
        Run unknown = capture(s -> TransferCli.run(
                "migrate-todo", new String[] {"x.md", "--colour", "red"}, CliRuns.LAUNCHER, s.out(), s.err()));
        Run noValue = capture(
                s -> TransferCli.run("export-todo", new String[] {"--board"}, CliRuns.LAUNCHER, s.out(), s.err()));

        assertThat(noFile.exit()).isEqualTo(2);
        assertThat(noFile.err()).contains("migrate-todo needs a file").contains("Usage:");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown option --colour");
        assertThat(noValue.exit()).isEqualTo(2);
        Run misplaced = capture(
                s -> TransferCli.run("export-json", new String[] {"--dry-run"}, CliRuns.LAUNCHER, s.out(), s.err()));
        assertThat(misplaced.exit()).isEqualTo(2);
        assertThat(misplaced.err()).contains("export-json does not take --dry-run");
        Run missing = inApp("migrate-todo", dir.resolve("absent.md").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");
        // a missing file is found before the application starts: nothing else is printed
        Run missingBeforeStart = capture(s -> TransferCli.run(
                "import-csv",
                new String[] {dir.resolve("absent.csv").toString()},
                springArgs -> {
                    throw new AssertionError("the application was started for a missing file");
                },
                s.out(),
                s.err()));
        assertThat(missingBeforeStart.exit()).isEqualTo(2);
        assertThat(missingBeforeStart.err().strip()).isEqualTo("error: no such file: " + dir.resolve("absent.csv"));
    }

    @Test
    void aCommandRunsWithoutTheServicesBackgroundLoops() {
        TestDatabase db = TestDatabase.get();
        String url = db.username == null
                ? db.jdbcUrl
                : db.jdbcUrl + (db.jdbcUrl.contains("?") ? "&" : "?") + "user=" + db.username;
        List<String> running = new ArrayList<>();
        Run run = capture(s -> TransferCli.run(
                "export-json",
                new String[] {
                    "--database-url", url, "--output", dir.resolve("ws.json").toString()
                },
                springArgs -> {
                    ConfigurableApplicationContext started = CliRuns.LAUNCHER.start(springArgs);
                    started.getBeansOfType(Lifecycle.class).forEach((name, bean) -> {
                        if (bean.getClass().getName().startsWith("dev.agentkanban")
                                && !(bean instanceof LifecycleProcessor)
                                && bean.isRunning()) {
                            running.add(name);
                        }
                    });
                    return started;
                },
                s.out(),
                s.err()));

        assertThat(run.exit()).as(run.err()).isZero();
        // the outbox dispatcher, rule engine, webhook and notification followers, ... did not start: when
        // the command ended they were cut off in the middle of a statement and printed stack traces
        assertThat(running).isEmpty();
    }

    @Test
    void aDatabaseThatCannotBeReachedIsSaidInOneLine() {
        TestDatabase db = TestDatabase.get();
        String absent = db.jdbcUrl.replaceFirst("/[^/?]*(\\?|$)", "/rev_c_no_such_database$1");
        String url = db.username == null ? absent : absent + (absent.contains("?") ? "&" : "?") + "user=" + db.username;

        Run run = capture(s -> TransferCli.run(
                "export-todo", new String[] {"--database-url", url}, CliRuns.LAUNCHER, s.out(), s.err()));

        assertThat(run.exit()).isEqualTo(1);
        // the database's own words, not the chain of beans that could not be created
        assertThat(run.err().strip())
                .startsWith("error: the application could not start: ")
                .contains("\"rev_c_no_such_database\" does not exist")
                .doesNotContain("Error creating bean");
    }
}
