package dev.agentkanban.platform;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * READ_DATABASE_URL against a real streaming replica: the test starts a PostgreSQL 15 primary of its
 * own (initdb in a temporary folder) and a hot standby cloned from it ({@code pg_basebackup -R}),
 * then holds the standby's replay ({@code pg_wal_replay_pause()}) so that it lags for as long as the
 * test needs. A caller who wrote after the pause reads their write (from the primary); a caller who
 * did not is served by the replica, which does not have it yet; the change feed never hands out a
 * horizon the replica has not replayed; once replay resumes, the writer's reads go to the replica.
 */
class ReadReplicaTest {

    private static final Path PG_BIN = Path.of(System.getenv().getOrDefault("PG_BIN", "/usr/lib/postgresql/15/bin"));

    private static Path dir;
    private static int primaryPort;
    private static int replicaPort;
    private static AppInstance app;

    @BeforeAll
    static void startPrimaryReplicaAndApp() throws Exception {
        dir = Files.createTempDirectory("kanban-replica-test");
        primaryPort = freePort();
        replicaPort = freePort();
        if (isRoot()) { // PostgreSQL refuses to run as root: the servers run as the postgres user
            run("chown", "postgres:postgres", dir.toString());
        }
        Path primary = dir.resolve("primary");
        Path replica = dir.resolve("replica");
        pg("initdb", "-D", primary.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        pg(
                "pg_ctl",
                "-D",
                primary.toString(),
                "-l",
                dir.resolve("primary.log").toString(),
                "-w",
                "-o",
                options(primaryPort),
                "start");
        pg(
                "pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(primaryPort),
                "-U",
                "postgres",
                "-D",
                replica.toString(),
                "-R",
                "-X",
                "stream",
                "--no-sync",
                "-c",
                "fast");
        pg(
                "pg_ctl",
                "-D",
                replica.toString(),
                "-l",
                dir.resolve("replica.log").toString(),
                "-w",
                "-o",
                options(replicaPort),
                "start");
        try (Connection c = primary("postgres");
                Statement s = c.createStatement()) {
            s.execute("create database kanban");
        }
        app = AppInstance.startOn(
                TestDatabase.at(url(primaryPort), "postgres", null),
                List.of(),
                "kanban.read-database.url=" + url(replicaPort),
                "kanban.read-database.username=postgres");
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (app != null) {
            app.close();
        }
        if (dir != null) {
            for (String server : List.of("replica", "primary")) {
                if (Files.exists(dir.resolve(server).resolve("postmaster.pid"))) {
                    pg("pg_ctl", "-D", dir.resolve(server).toString(), "-m", "immediate", "-w", "stop");
                }
            }
            FileSystemUtils.deleteRecursively(dir);
        }
    }

    @Test
    void aCallerReadsTheirOwnWritesWhileTheReplicaLagsAndOthersReadFromTheReplica() throws Exception {
        Http ann = app.member("ann");
        Http bob = app.member("bob");
        long board = ann.post("/api/v1/boards", obj("name", "Replicated")).id();
        ann.post("/api/v1/tasks", obj("board_id", board, "title", "before the pause"));
        awaitReplicaCaughtUp();
        assertThat(export(bob, board)).contains("before the pause");
        double replicaReads = served("replica");
        assertThat(replicaReads).as("bob's export came from the replica").isPositive();

        pauseReplay();
        long task = ann.post("/api/v1/tasks", obj("board_id", board, "title", "after the pause"))
                .id();
        // the position is in the database, where every instance finds it
        assertThat(primaryLong("select (lsn - '0/0'::pg_lsn)::bigint from read_positions where actor = 'ann'"))
                .isGreaterThan(replayed());

        double primaryBefore = served("primary");
        assertThat(export(ann, board)).as("ann reads her own write").contains("after the pause");
        assertThat(ann.get("/api/v1/export/csv?board_id=" + board).body()).contains("after the pause");
        assertThat(served("primary")).as("ann's reads went to the primary").isEqualTo(primaryBefore + 2);

        assertThat(export(bob, board))
                .as("bob never wrote: the lagging replica served him")
                .contains("before the pause")
                .doesNotContain("after the pause");
        assertThat(served("replica")).isEqualTo(replicaReads + 1);

        // the change feed reads only where everything up to its horizon has been replayed
        Response feed = bob.get("/api/v1/events?limit=500");
        assertThat(feed.status()).as(feed.body()).isEqualTo(200);
        assertThat(feed.body()).contains("\"task_id\":" + task);

        resumeReplay();
        awaitReplicaCaughtUp();
        double replicaNow = served("replica");
        assertThat(export(ann, board)).contains("after the pause");
        assertThat(served("replica"))
                .as("caught up: ann's reads leave the primary")
                .isEqualTo(replicaNow + 1);
    }

    private static String export(Http client, long board) {
        Response r = client.get("/api/v1/export/todo-md?board_id=" + board);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static double served(String by) {
        return app.context
                .getBean(MeterRegistry.class)
                .counter("kanban.replica.reads", "served_by", by)
                .count();
    }

    private static void awaitReplicaCaughtUp() throws SQLException {
        long target = primaryLong("select (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint");
        await("the replica replays up to the primary's position")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> replayed() >= target);
    }

    private static void pauseReplay() throws SQLException {
        try (Connection c = replica();
                Statement s = c.createStatement()) {
            s.execute("select pg_wal_replay_pause()");
        }
        await("replay paused")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> "paused".equals(replicaString("select pg_get_wal_replay_pause_state()")));
    }

    private static void resumeReplay() throws SQLException {
        try (Connection c = replica();
                Statement s = c.createStatement()) {
            s.execute("select pg_wal_replay_resume()");
        }
    }

    private static long replayed() throws SQLException {
        return Long.parseLong(replicaString("select (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint"));
    }

    private static long primaryLong(String sql) throws SQLException {
        try (Connection c = primary("kanban");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String replicaString(String sql) throws SQLException {
        try (Connection c = replica();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Connection primary(String db) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + primaryPort + "/" + db, "postgres", null);
    }

    private static Connection replica() throws SQLException {
        return DriverManager.getConnection(url(replicaPort), "postgres", null);
    }

    private static String url(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/kanban";
    }

    private static String options(int port) {
        return "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
                + " -c fsync=off -c full_page_writes=off -c shared_buffers=16MB";
    }

    /** A PostgreSQL program, as the postgres user when the test runs as root. */
    private static void pg(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
        }
        command.add(PG_BIN.resolve(program).toString());
        command.addAll(List.of(args));
        run(command.toArray(String[]::new));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("commands.log").toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(
                    String.join(" ", command) + " failed: " + Files.readString(dir.resolve("commands.log")));
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
