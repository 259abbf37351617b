package dev.agentkanban.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;

/**
 * The worker against a real API instance (this test's app) over HTTP, each worker on a database of its
 * own: from a task created through the API to hints the API lists, retries of failing agents and of
 * pushes the API does not take, two workers sharing the work, and no connection to the API database.
 */
class WorkerEndToEndTest extends ApiTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    TaskFixtures fx;
    long board;
    String token;

    @BeforeAll
    void workerIdentity() {
        fx = new TaskFixtures(http);
        board = fx.board("Analysed")[0];
        User worker = identities.provision("analysis-worker", null, defaultWorkspace, Role.AGENT, false);
        token = identities.issueToken(worker.id(), "worker", List.of("read", "write"));
    }

    private String api() {
        return "http://localhost:" + port;
    }

    private JsonNode hints(long task) {
        Response r = http.get("/api/v1/tasks/" + task + "/hints");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("items");
    }

    private JsonNode hintOfType(long task, String type) {
        for (JsonNode h : hints(task)) {
            if (h.get("type").asString().equals(type)) {
                return h;
            }
        }
        return null;
    }

    @Test
    void aTaskWithAPoorTitleAndPriorityGetsHintsAndApplyingOneChangesTheTask() {
        TestDatabase db = RunningWorker.database();
        try (RunningWorker worker = RunningWorker.start(db, api(), token, List.of())) {
            long task = fx.task(board, "SERVER CRASHES ON LOGIN!!!");

            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(hintOfType(task, "title")).isNotNull();
                assertThat(hintOfType(task, "priority")).isNotNull();
            });
            JsonNode title = hintOfType(task, "title");
            assertThat(title.get("suggestion").get("title").asString()).isEqualTo("Server crashes on login");
            assertThat(title.get("source").asString()).isEqualTo("worker:title");
            assertThat(title.get("source_key").asString()).startsWith("worker-draft:" + task + ":");
            JsonNode priority = hintOfType(task, "priority");
            assertThat(priority.get("suggestion").get("priority").asString()).isEqualTo("high");
            assertThat(priority.get("message").asString()).contains("crash");

            await().atMost(WAIT).untilAsserted(() -> assertThat(feedTypes(task)).contains("hints_available"));

            Response applied = http.post("/api/v1/hints/" + priority.get("id").asLong() + "/apply", null);
            assertThat(applied.status()).as(applied.body()).isEqualTo(200);
            assertThat(fx.get(task).get("priority").asString()).isEqualTo("high");

            // the worker's side: every agent ran on the created event, drafts synced with the API's hint ids
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(worker.count("select count(*) from agent_processing_jobs where task_id = "
                                            + task + " and status = 'completed'"))
                                    .isGreaterThanOrEqualTo(
                                            Agents.builtIn(Duration.ofDays(7)).size()));
            assertThat(worker.db
                            .sql(
                                    "select api_hint_id from hint_drafts where task_id = :t and type = 'priority' and status = 'synced'")
                            .param("t", task)
                            .query(Long.class)
                            .single())
                    .isEqualTo(priority.get("id").asLong());
            assertThat(worker.count("select count(*) from agent_results where task_id = " + task))
                    .isPositive();
            assertThat(worker.count("select count(*) from worker_tasks where id = " + task))
                    .isEqualTo(1);

            // re-analysing after the edit proposes nothing twice: one priority hint, the applied one
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(worker.count("select count(*) from agent_processing_jobs where task_id = "
                                            + task + " and status <> 'completed'"))
                                    .isZero());
            assertThat(hints(task))
                    .filteredOn(h -> h.get("type").asString().equals("priority"))
                    .hasSize(1);
            assertThat(http.get("/api/v1/health").json().get("worker_lag").isNull())
                    .isFalse();
        }
    }

    /** A tag renamed or deleted elsewhere reaches the projection's tasks, so agents see the names the tasks carry. */
    @Test
    void theProjectionFollowsATagRenamedOrDeleted() {
        TestDatabase db = RunningWorker.database();
        try (RunningWorker worker = RunningWorker.start(db, api(), token, List.of())) {
            long tag = http.post("/api/v1/tags", Map.of("name", "Projected")).id();
            long task = fx.task(board, "Carries a tag to rename", "tags", List.of("Projected", "bug"));
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(projected(worker, task))
                            .isEqualTo("bug,Projected@"
                                    + fx.get(task).get("version").asLong()));

            http.patch("/api/v1/tags/" + tag, Map.of("name", "Reprojected"));
            long renamed = fx.get(task).get("version").asLong();
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(projected(worker, task)).isEqualTo("bug,Reprojected@" + renamed));

            http.delete("/api/v1/tags/" + tag);
            long deleted = fx.get(task).get("version").asLong();
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(projected(worker, task)).isEqualTo("bug@" + deleted));
        }
    }

    /** The projection's tag names of the task and its version, as {@code names@version}. */
    private static String projected(RunningWorker worker, long task) {
        return worker.db
                .sql("select array_to_string(tags, ',') || '@' || version from worker_tasks where id = :t")
                .param("t", task)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    @Test
    void theWorkerHasNoConnectionToTheApiDatabase() {
        TestDatabase db = RunningWorker.database();
        try (RunningWorker worker = RunningWorker.start(db, api(), token, List.of(), "kanban.worker.agents=epic")) {
            long task = fx.task(board, "Billing: refunds are rounded wrongly");
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(hintOfType(task, "epic")).isNotNull());

            // its context holds one DataSource, the worker's, and none of the API's beans
            assertThat(worker.context.getBeansOfType(DataSource.class)).containsOnlyKeys("workerDataSource");
            assertThat(worker.context.getBeanNamesForType(org.flywaydb.core.Flyway.class))
                    .isEmpty();
            assertThat(worker.context.containsBean("tasks")).isFalse();
            // PostgreSQL sees the worker's connections on its own database only
            long onApi = jdbc.sql(
                            "select count(*) from pg_stat_activity where application_name = :app and datname = current_database()")
                    .param("app", WorkerConfig.APPLICATION_NAME)
                    .query(Long.class)
                    .single();
            long onOwn = jdbc.sql(
                            "select count(*) from pg_stat_activity where application_name = :app and datname = :db")
                    .param("app", WorkerConfig.APPLICATION_NAME)
                    .param("db", db.name())
                    .query(Long.class)
                    .single();
            assertThat(onApi).isZero();
            assertThat(onOwn).isPositive();
        }
    }

    @Test
    void aWorkerWithoutATokenOrOnTheApiDatabaseRefusesToStart() {
        TestDatabase db = RunningWorker.database();
        assertThatThrownBy(() -> RunningWorker.start(db, api(), "", List.of()))
                .hasStackTraceContaining("WORKER_API_TOKEN is not set");
        assertThatThrownBy(() -> RunningWorker.start(TestDatabase.get(), api(), token, List.of()))
                .hasStackTraceContaining("holding the API's tables");
    }

    /** Fails the first two attempts on each task, then finds nothing; remembers when it was called. */
    static class Flaky {
        static final Map<Long, List<Instant>> CALLS = new ConcurrentHashMap<>();

        @Bean
        Agent flaky() {
            return new Agent() {
                @Override
                public String name() {
                    return "flaky";
                }

                @Override
                public List<Finding> analyse(Subject s) {
                    List<Instant> calls = CALLS.computeIfAbsent(s.task().id(), id -> new CopyOnWriteArrayList<>());
                    calls.add(Instant.now());
                    if (calls.size() < 3) {
                        throw new IllegalStateException("flaky failure " + calls.size());
                    }
                    return List.of(new Finding("actions", "flaky found something", Map.of("action", "check")));
                }
            };
        }

        @Bean
        Agent broken() {
            return new Agent() {
                @Override
                public String name() {
                    return "broken";
                }

                @Override
                public List<Finding> analyse(Subject s) {
                    throw new IllegalStateException("always broken");
                }
            };
        }
    }

    @Test
    void aFailingAgentIsRetriedWithExponentialBackoffAndGivenUpAfterThreeAttempts() {
        TestDatabase db = RunningWorker.database();
        try (RunningWorker worker =
                RunningWorker.start(db, api(), token, List.of(Flaky.class), "kanban.worker.agents=flaky,broken")) {
            long task = fx.task(board, "Retried analysis");

            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(jobStatus(worker, task, "flaky")).isEqualTo("completed|3|");
                assertThat(jobStatus(worker, task, "broken"))
                        .isEqualTo("failed|3|IllegalStateException: always broken");
            });
            List<Instant> calls = Flaky.CALLS.get(task);
            assertThat(calls).hasSize(3);
            // retry-backoff 0.2 s, doubled per attempt
            assertThat(Duration.between(calls.get(0), calls.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            assertThat(Duration.between(calls.get(1), calls.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(hintOfType(task, "actions")).isNotNull());
            assertThat(hints(task)).hasSize(1);
        }
    }

    private static String jobStatus(RunningWorker worker, long task, String agent) {
        return worker.db
                .sql("""
                select concat_ws('|', status, attempts, coalesce(last_error, '')) from agent_processing_jobs
                where task_id = :t and agent = :a
                """)
                .param("t", task)
                .param("a", agent)
                .query(String.class)
                .optional()
                .orElse("none");
    }

    /** Counts every analysis per task; with one event per task, each must run exactly once. */
    static class Counting {
        static final Map<Long, AtomicInteger> RUNS = new ConcurrentHashMap<>();

        @Bean
        Agent counting() {
            return new Agent() {
                @Override
                public String name() {
                    return "counting";
                }

                @Override
                public List<Finding> analyse(Subject s) {
                    RUNS.computeIfAbsent(s.task().id(), id -> new AtomicInteger())
                            .incrementAndGet();
                    return List.of();
                }
            };
        }
    }

    @Test
    void twoWorkersOnOneDatabaseShareTheJobsAndNeverRunOneTwice() {
        TestDatabase db = RunningWorker.database();
        long sharedBoard = fx.board("Shared work")[0];
        try (RunningWorker a = RunningWorker.start(
                        db,
                        api(),
                        token,
                        List.of(Counting.class),
                        "kanban.worker.agents=counting",
                        "kanban.worker.name=worker-a");
                RunningWorker b = RunningWorker.start(
                        db,
                        api(),
                        token,
                        List.of(Counting.class),
                        "kanban.worker.agents=counting",
                        "kanban.worker.name=worker-b")) {
            List<Long> tasks = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                tasks.add(fx.task(sharedBoard, "shared task " + i));
            }

            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(
                                    a.count("select count(*) from agent_processing_jobs where task_id in ("
                                            + String.join(
                                                    ",",
                                                    tasks.stream()
                                                            .map(String::valueOf)
                                                            .toList()) + ") and status = 'completed'"))
                            .isEqualTo(60));
            assertThat(tasks)
                    .allSatisfy(t -> assertThat(Counting.RUNS.get(t))
                            .as("runs of task " + t)
                            .hasValue(1));
            assertThat(a.count("select count(*) from agent_processing_jobs where attempts <> 1"))
                    .isZero();
            List<String> holders = a.db.sql("select distinct locked_by from agent_processing_jobs")
                    .query(String.class)
                    .list();
            assertThat(holders).isSubsetOf("worker-a", "worker-b");
        }
    }

    @Test
    void aPushIsRetriedWhileTheApiFailsOrIsDownAndSyncedOnlyOnceAccepted() throws Exception {
        TestDatabase db = RunningWorker.database();
        try (ApiGate gate = new ApiGate(api());
                RunningWorker worker =
                        RunningWorker.start(db, gate.url(), token, List.of(), "kanban.worker.agents=priority")) {
            gate.failPushes(true);
            long task = fx.task(board, "Outage of the billing service");

            // the API answers 5xx: the draft stays pending, with more attempts and the error
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(draft(worker, task))
                            .startsWith("pending|")
                            .matches("pending\\|[2-9].*"));
            assertThat(draft(worker, task)).contains("503");
            assertThat(gate.refusedPushes()).isGreaterThanOrEqualTo(2);
            assertThat(hints(task)).isEmpty();

            // the API is away entirely: still pending, still retried
            gate.down();
            int attempts = attempts(worker, task);
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(attempts(worker, task)).isGreaterThan(attempts));
            assertThat(draft(worker, task)).startsWith("pending|");
            assertThat(hints(task)).isEmpty();

            // back and accepting: synced, exactly one hint
            gate.failPushes(false);
            gate.up();
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(draft(worker, task)).startsWith("synced|"));
            JsonNode hints = hints(task);
            assertThat(hints).hasSize(1);
            assertThat(hints.get(0).get("suggestion").get("priority").asString())
                    .isEqualTo("urgent");
            assertThat(worker.db
                            .sql("select api_hint_id from hint_drafts where task_id = :t")
                            .param("t", task)
                            .query(Long.class)
                            .single())
                    .isEqualTo(hints.get(0).get("id").asLong());
        }
    }

    private static String draft(RunningWorker worker, long task) {
        return worker.db
                .sql(
                        "select concat_ws('|', status, attempts, coalesce(last_error, '')) from hint_drafts where task_id = :t")
                .param("t", task)
                .query(String.class)
                .optional()
                .orElse("none");
    }

    private static int attempts(RunningWorker worker, long task) {
        return worker.db
                .sql("select attempts from hint_drafts where task_id = :t")
                .param("t", task)
                .query(Integer.class)
                .single();
    }

    private List<String> feedTypes(long task) {
        List<String> types = new ArrayList<>();
        http.get("/api/v1/events?limit=500&board_id=" + board)
                .json()
                .get("items")
                .forEach(e -> {
                    if (e.get("task_id").asLong() == task) {
                        types.add(e.get("type").asString());
                    }
                });
        return types;
    }
}
