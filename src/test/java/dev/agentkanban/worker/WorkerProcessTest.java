package dev.agentkanban.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.KanbanApplication;
import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.task.TaskFixtures;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The jar's {@code worker} mode as a process of its own, configured by environment variables like in production. */
class WorkerProcessTest extends ApiTest {

    record Exit(int code, String out, String err) {}

    private static ProcessBuilder worker(Map<String, String> env, Path out, Path err) {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(
                java, "-cp", System.getProperty("java.class.path"), KanbanApplication.class.getName(), "worker"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("WORKER_") || k.equals("API_URL") || k.equals("DATABASE_URL"));
        pb.environment().putAll(env);
        return pb;
    }

    @Test
    void withoutATokenTheWorkerSaysWhatIsMissingAndExits() throws Exception {
        Path out = Files.createTempFile("worker", ".out");
        Path err = Files.createTempFile("worker", ".err");
        Process p =
                worker(Map.of("API_URL", "http://localhost:" + port), out, err).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(Files.readString(err, StandardCharsets.UTF_8)).contains("WORKER_API_TOKEN is not set");
    }

    @Test
    void theWorkerModeAnalysesTasksWithoutTheApiDatabase() throws Exception {
        User user = identities.provision("process-worker", null, defaultWorkspace, Role.AGENT, false);
        String token = identities.issueToken(user.id(), "worker", List.of("read", "write"));
        TestDatabase db = RunningWorker.database();
        long board = new TaskFixtures(http).board("Worked on by a process")[0];
        long task = new TaskFixtures(http).task(board, "Docs: the install guide is out of date");
        Path out = Files.createTempFile("worker", ".out");
        Path err = Files.createTempFile("worker", ".err");
        Process p = worker(
                        Map.of(
                                "WORKER_API_TOKEN",
                                token,
                                "WORKER_DATABASE_URL",
                                db.urlWithCredentials(),
                                "API_URL",
                                "http://localhost:" + port,
                                "DATABASE_URL",
                                "postgresql://" + RunningWorker.NOWHERE,
                                "WORKER_POLL_INTERVAL",
                                "PT0.2S",
                                "WORKER_AGENTS",
                                "epic,tags",
                                "WORKER_NAME",
                                "process-worker-1"),
                        out,
                        err)
                .start();
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(p.isAlive())
                        .as("worker exited: %s", Files.readString(err))
                        .isTrue();
                JsonNode hints =
                        http.get("/api/v1/tasks/" + task + "/hints").json().get("items");
                assertThat(hints.findValuesAsString("type")).containsExactlyInAnyOrder("epic", "tags");
            });
            assertThat(Files.readString(out, StandardCharsets.UTF_8)).contains("worker process-worker-1 is following");
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        assertThat(p.exitValue()).as("stopped on SIGTERM").isIn(0, 143);
    }
}
