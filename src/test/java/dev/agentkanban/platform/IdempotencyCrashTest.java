package dev.agentkanban.platform;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.task.TaskFixtures;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Exactly once across a crash, as it happens: the service runs as a process of its own
 * ({@link CrashPointApp}), a create with an {@code Idempotency-Key} is stopped at a point of its
 * filter chain, the process is killed with SIGKILL (or frozen with SIGSTOP), and the same request is
 * retried on another instance of the service on the same database (the test's own), as a client
 * would after a restart.
 */
class IdempotencyCrashTest extends ApiTest {

    private long board;
    private String token;

    @BeforeAll
    void boardAndToken() {
        board = new TaskFixtures(http).board("Crash and retry")[0];
        token = identities.issueToken(admin.id(), "crash-test", List.of("read", "write"));
    }

    @Test
    void killedAfterTheCommitBeforeTheAnswerLeftTheRetryGetsTheOriginalAnswer(@TempDir Path dir) throws Exception {
        String title = "Committed, never answered";
        Stopped stopped = stopAt(dir, -95, title, "crash-after-commit");
        kill(stopped);

        assertThat(tasksTitled(title))
                .as("the task was committed before the kill")
                .isEqualTo(1);
        Response retry = retryUntilNotInProgress(title, "crash-after-commit");
        assertThat(retry.status())
                .as(retry.body())
                .isEqualTo(stopped.answer().get("status").asInt())
                .isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.body()).isEqualTo(stopped.answer().get("body").asString());
        assertThat(retry.header("Location"))
                .hasValue(stopped.answer().get("location").asString());
        assertThat(tasksTitled(title)).isEqualTo(1);
    }

    @Test
    void killedWhileTheRequestRanNothingIsLeftAndTheRetryRunsItOnce(@TempDir Path dir) throws Exception {
        String title = "Killed mid-request";
        kill(stopAt(dir, -85, title, "crash-mid-request"));
        assertRetryRunsOnce(title, "crash-mid-request");
    }

    /**
     * A machine that vanishes closes no connection: here the process is frozen with SIGSTOP in the
     * middle of the request, its connections open and silent. PostgreSQL ends the key's idle
     * transaction after {@code kanban.idempotency.idle-timeout}, and the retry runs the request once.
     */
    @Test
    void frozenWhileTheRequestRanTheKeyIsFreedAfterTheIdleTimeout(@TempDir Path dir) throws Exception {
        String title = "Frozen mid-request";
        Stopped stopped = stopAt(dir, -85, title, "frozen-mid-request", "--kanban.idempotency.idle-timeout=PT1S");
        Process stop = new ProcessBuilder(
                        "kill", "-STOP", Long.toString(stopped.app().pid()))
                .inheritIO()
                .start();
        assertThat(stop.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(stop.exitValue()).isZero();
        assertRetryRunsOnce(title, "frozen-mid-request");
    }

    private void assertRetryRunsOnce(String title, String key) {
        Response retry = retryUntilNotInProgress(title, key);
        assertThat(retry.status()).as(retry.body()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).isEmpty();
        assertThat(retry.json().get("title").asString()).isEqualTo(title);
        assertThat(tasksTitled(title)).isEqualTo(1);

        Response again = post(http, title, key);
        assertThat(again.header("Idempotent-Replayed")).hasValue("true");
        assertThat(again.body()).isEqualTo(retry.body());
        assertThat(tasksTitled(title)).isEqualTo(1);
    }

    /** A service process whose request reached the stop, the request's pending answer, and what it would have answered. */
    private record Stopped(Process app, CompletableFuture<HttpResponse<String>> pending, JsonNode answer) {}

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly(); // SIGKILL ends a stopped process too
            p.waitFor(30, TimeUnit.SECONDS);
        }
        started.clear();
    }

    /** SIGKILL: no shutdown hook, no finally block, no response; the client never gets an answer. */
    private static void kill(Stopped stopped) throws InterruptedException {
        stopped.app().destroyForcibly();
        assertThat(stopped.app().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(stopped.app().exitValue()).isEqualTo(137);
        assertThatThrownBy(() -> stopped.pending().get(30, TimeUnit.SECONDS)).as("the client never got an answer");
    }

    /**
     * Starts the service as a process stopping idempotent POSTs at filter order {@code order}, sends
     * the create and waits until the request reached the stop.
     */
    private Stopped stopAt(Path dir, int order, String title, String key, String... settings) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path marker = dir.resolve("answer.json");
        Path log = dir.resolve("app.log");
        TestDatabase db = TestDatabase.get();
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                CrashPointApp.class.getName(),
                "--server.port=" + port,
                "--spring.datasource.url=" + db.jdbcUrl,
                "--spring.datasource.hikari.maximum-pool-size=4",
                "--kanban.rate-limit.enabled=false",
                "--crash-point.order=" + order,
                "--crash-point.marker=" + marker));
        if (db.username != null) {
            command.add("--spring.datasource.username=" + db.username);
        }
        if (db.password != null) {
            command.add("--spring.datasource.password=" + db.password);
        }
        command.addAll(List.of(settings));
        Process app = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        started.add(app);
        Http child = new Http("http://localhost:" + port).withToken(token);
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    assertThat(app.isAlive())
                            .as("the app exited: %s", Files.readString(log))
                            .isTrue();
                    assertThat(child.get("/api/v1/health").status()).isEqualTo(200);
                });
        CompletableFuture<HttpResponse<String>> pending = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/tasks"))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .header("Idempotency-Key", key)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        Http.JSON.writeValueAsString(obj("board_id", board, "title", title))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(marker));
        return new Stopped(app, pending, Http.JSON.readTree(Files.readString(marker)));
    }

    /**
     * The client's retry: a 409 "in progress" means the dead process's session has not yet been
     * cleaned up by PostgreSQL (its transaction still holds the key), and says to retry shortly.
     */
    private Response retryUntilNotInProgress(String title, String key) {
        AtomicReference<Response> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Response r = post(http, title, key);
                    last.set(r);
                    return r.status() != 409;
                });
        return last.get();
    }

    private Response post(Http client, String title, String key) {
        return client.post("/api/v1/tasks", obj("board_id", board, "title", title), "Idempotency-Key", key);
    }

    private long tasksTitled(String title) {
        return jdbc.sql("select count(*) from tasks where title = :t")
                .param("t", title)
                .query(Long.class)
                .single();
    }
}
