package dev.agentkanban.transfer;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database-level backup of docs/import-export.md: {@code pg_dump -Fc} of a live database and
 * {@code pg_restore} into an empty one give the same rows. Runs where the PostgreSQL client tools and
 * a PostgreSQL server (not the embedded one) are available; skipped otherwise.
 */
class DatabaseBackupTest extends ApiTest {

    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+).*");

    @TempDir
    Path dir;

    @Test
    void pgDumpThenPgRestoreGivesTheSameData() throws Exception {
        TestDatabase db = TestDatabase.get();
        Matcher url = URL.matcher(db.jdbcUrl);
        assumeTrue(
                url.matches() && db.username != null && available("pg_dump") && available("pg_restore"),
                "needs pg_dump, pg_restore and a PostgreSQL server");
        long board = http.post("/api/v1/boards", obj("name", "Backed up")).id();
        long task = http.post(
                        "/api/v1/tasks", obj("board_id", board, "title", "survives a restore", "tags", List.of("bug")))
                .id();
        http.post("/api/v1/tasks/" + task + "/comments", obj("body", "and so does this — ✓"));
        String host = url.group(1);
        String port = url.group(2);
        String source = url.group(3);
        String copy = "kanban_restore_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Path dump = dir.resolve("kanban.dump");

        run(
                "pg_dump",
                "--host",
                host,
                "--port",
                port,
                "--username",
                db.username,
                "--format=custom",
                "--file",
                dump.toString(),
                source);
        String server = "jdbc:postgresql://" + host + ":" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(server, db.username, db.password);
                Statement s = c.createStatement()) {
            s.execute("create database " + copy);
        }
        try {
            run(
                    "pg_restore",
                    "--host",
                    host,
                    "--port",
                    port,
                    "--username",
                    db.username,
                    "--dbname",
                    copy,
                    "--no-owner",
                    "--exit-on-error",
                    dump.toString());

            assertThat(counts("jdbc:postgresql://" + host + ":" + port + "/" + copy, db))
                    .isEqualTo(counts(db.jdbcUrl, db));
            try (Connection c = DriverManager.getConnection(
                            "jdbc:postgresql://" + host + ":" + port + "/" + copy, db.username, db.password);
                    Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery("select t.title, m.body from tasks t join comments m on m.task_id = t.id"
                                    + " where t.title = 'survives a restore'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("body")).isEqualTo("and so does this — ✓");
            }
        } finally {
            try (Connection c = DriverManager.getConnection(server, db.username, db.password);
                    Statement s = c.createStatement()) {
                s.execute("drop database if exists " + copy + " with (force)");
            }
        }
    }

    private static Map<String, Long> counts(String url, TestDatabase db) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url, db.username, db.password);
                Statement s = c.createStatement()) {
            for (String table : List.of(
                    "workspaces",
                    "users",
                    "memberships",
                    "boards",
                    "board_columns",
                    "tasks",
                    "tags",
                    "task_tags",
                    "comments",
                    "evidence",
                    "task_history",
                    "outbox_events",
                    "task_counts",
                    "flyway_schema_history")) {
                try (ResultSet rs = s.executeQuery("select count(*) from " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
    }

    private static boolean available(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
