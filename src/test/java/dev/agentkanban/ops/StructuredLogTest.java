package dev.agentkanban.ops;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.KanbanApplication;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.task.TaskFixtures;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The service as a process of its own with {@code LOG_FORMAT=json}: every stdout log line is a JSON
 * document; the access log line of a request carries its request id, the actor and the workspace; a
 * statement slower than {@code SLOW_SQL_MS} is logged with its duration and request id, a fast one not.
 */
class StructuredLogTest extends ApiTest {

    private static final long SLOW_MS = 300;

    private Process process;
    private Path out;
    private Http child;

    @BeforeAll
    void startTheServiceWithJsonLogs() throws Exception {
        out = Files.createTempFile("json-log", ".out");
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        KanbanApplication.class.getName(),
                        "--server.port=0")
                .redirectOutput(out.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment()
                .putAll(Map.of(
                        "LOG_FORMAT",
                        "json",
                        "SLOW_SQL_MS",
                        Long.toString(SLOW_MS),
                        "DATABASE_URL",
                        TestDatabase.get().urlWithCredentials(),
                        "DB_POOL_SIZE",
                        "4",
                        "RATE_LIMIT_ENABLED",
                        "false"));
        process = pb.start();
        String marker = "Agent Kanban is running at ";
        String base = await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                                .filter(l -> l.startsWith(marker))
                                .map(l -> l.substring(marker.length()).split(" ")[0])
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        child = new Http(base)
                .withToken(identities.issueToken(admin.id(), "json-logs", List.of("read", "write", "admin")));
    }

    @AfterAll
    void stop() throws Exception {
        if (process != null) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyLogLineIsJsonAndTheAccessLogNamesRequestActorAndWorkspace() throws Exception {
        Response r = child.get("/api/v1/boards", "X-Request-Id", "json-log-1");
        assertThat(r.status()).isEqualTo(200);
        JsonNode line = awaitLine(l -> "dev.agentkanban.access".equals(text(l, "log", "logger"))
                && "json-log-1".equals(text(l, "request_id")));
        assertThat(text(line, "actor")).isEqualTo("tester");
        assertThat(text(line, "workspace_id")).isEqualTo(Long.toString(defaultWorkspace));
        assertThat(text(line, "message")).startsWith("GET /api/v1/boards 200 ");
        assertThat(text(line, "http", "route")).isEqualTo("/api/v1/boards");
        assertThat(line.get("http").get("response").get("status_code").asInt()).isEqualTo(200);

        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("Agent Kanban is running at "))
                .toList();
        assertThat(lines).hasSizeGreaterThan(5);
        for (String l : lines) {
            assertThat(Http.JSON.readTree(l).isObject()).as(l).isTrue();
        }
        assertThat(lines).noneMatch(l -> l.contains("slow SQL") && l.contains("json-log-1"));
        // the slow-statement counter is registered after the application's registry exists: a meter on the
        // global registry before it made Micrometer warn at every start
        assertThat(lines).noneMatch(l -> l.contains("CompositeMeterRegistry"));
    }

    @Test
    void aStatementSlowerThanTheThresholdIsLoggedWithItsDuration() throws Exception {
        TaskFixtures fixtures = new TaskFixtures(http);
        long task = fixtures.task(fixtures.board("Slow")[0], "locked for a while");
        TestDatabase db = TestDatabase.get();
        try (Connection lock = DriverManager.getConnection(db.jdbcUrl, db.username, db.password)) {
            lock.setAutoCommit(false);
            try (PreparedStatement s = lock.prepareStatement("select id from tasks where id = ? for update")) {
                s.setLong(1, task);
                s.executeQuery().close();
            }
            CompletableFuture<Response> patch = CompletableFuture.supplyAsync(() -> child.patch(
                    "/api/v1/tasks/" + task, obj("title", "renamed while locked"), "X-Request-Id", "slow-sql-1"));
            // the service's update waits for the lock in V35's lock_task_for_change; release it once it has
            // waited longer than the threshold (asked on another connection: within a transaction
            // pg_stat_activity is a snapshot). Found by its statement: the service's notification fan-out also
            // waits for the holder (its task_watchers insert checks the task's key), and releasing the lock for
            // that one would let the update pass without waiting; and not by the holder alone: queued behind
            // the fan-out, the update is blocked by the fan-out (pg_blocking_pids names the one ahead).
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> jdbc.sql("""
                    select count(*) from pg_stat_activity
                    where datname = current_database() and cardinality(pg_blocking_pids(pid)) > 0
                      and query like '%lock_task_for_change%'
                      and now() - query_start > make_interval(secs => :secs)
                    """)
                                    .param("secs", (SLOW_MS + 100) / 1000.0)
                                    .query(Long.class)
                                    .single()
                            > 0);
            lock.commit();
            assertThat(patch.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        JsonNode line = awaitLine(l -> "dev.agentkanban.sql.slow".equals(text(l, "log", "logger"))
                && "slow-sql-1".equals(text(l, "request_id")));
        assertThat(text(line, "log", "level")).isEqualTo("WARN");
        assertThat(line.get("sql").get("duration_ms").asLong()).isGreaterThanOrEqualTo(SLOW_MS);
        assertThat(line.get("sql").get("statement").asString()).contains("lock_task_for_change");
        assertThat(text(line, "actor")).isEqualTo("tester");
        Response scrape = child.get("/actuator/prometheus");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(ObservabilityApiTest.metric(scrape.body(), "kanban_sql_slow_total"))
                .as("counted")
                .isGreaterThanOrEqualTo(1);
    }

    private JsonNode awaitLine(Predicate<JsonNode> match) {
        return await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> {
                            List<JsonNode> found = new ArrayList<>();
                            for (String l : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                                if (l.startsWith("{")) {
                                    JsonNode n = Http.JSON.readTree(l);
                                    if (match.test(n)) {
                                        found.add(n);
                                    }
                                }
                            }
                            return found.isEmpty() ? null : found.getFirst();
                        },
                        Objects::nonNull);
    }

    /** A field by path: ECS writes some as nested objects ({@code log.logger}), some as dotted names. */
    private static String text(JsonNode node, String... path) {
        String dotted = String.join(".", path);
        if (node.has(dotted)) {
            return node.get(dotted).asString();
        }
        JsonNode n = node;
        for (String p : path) {
            n = n == null ? null : n.get(p);
        }
        return n == null || n.isNull() ? null : n.asString();
    }
}
