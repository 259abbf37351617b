package dev.agentkanban.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import dev.agentkanban.worker.FakeModelServer.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The model-backed agents end to end: a real API (this test's app), a worker started as the jar
 * starts it with WORKER_MODEL_URL pointing at a local OpenAI-compatible server, Spring AI's real
 * client in between. From a task created over REST to the model's hints in the hints API and the feed,
 * with usage in agent_results; invalid answers failing the job visibly; 429 retried by the job queue;
 * the budget's fallback to the deterministic agents; semantic duplicates from embeddings.
 */
class ModelWorkerEndToEndTest extends ApiTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    TaskFixtures fx;
    long board;
    String token;

    @BeforeAll
    void workerIdentity() {
        fx = new TaskFixtures(http);
        board = fx.board("Model analysed")[0];
        User worker = identities.provision("model-worker", null, defaultWorkspace, Role.AGENT, false);
        token = identities.issueToken(worker.id(), "worker", List.of("read", "write"));
    }

    private RunningWorker worker(FakeModelServer server, String... settings) {
        List<String> all = new ArrayList<>(List.of(
                "WORKER_MODEL_URL=" + server.url(),
                "WORKER_MODEL=test-model",
                "WORKER_MODEL_API_KEY=test-key",
                "WORKER_EMBEDDING_MODEL=test-embedding",
                "kanban.worker.model.max-retries=1",
                "kanban.worker.model.timeout=PT5S"));
        all.addAll(List.of(settings));
        return RunningWorker.start(
                RunningWorker.database(), "http://localhost:" + port, token, List.of(), all.toArray(String[]::new));
    }

    private JsonNode hintOfType(long task, String type) {
        Response r = http.get("/api/v1/tasks/" + task + "/hints");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        for (JsonNode h : r.json().get("items")) {
            if (h.get("type").asString().equals(type)) {
                return h;
            }
        }
        return null;
    }

    /** The title of the task a chat request is about. */
    private static String title(FakeModelServer.Request r) {
        return FakeModelServer.JSON.readTree(r.userMessage()).path("title").asString("");
    }

    private static String job(RunningWorker worker, long task, String agent) {
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

    @Test
    void aNewTaskGetsTheModelsHintsWithModelPromptAndUsageRecorded() throws Exception {
        try (FakeModelServer server = new FakeModelServer();
                RunningWorker worker = worker(server)) {
            long task = fx.task(
                    board,
                    "checkout broken!",
                    "description",
                    "Paying with a discount code shows error 500."
                            + " Our staging login is admin / password: Winter2030");

            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(hintOfType(task, "title")).isNotNull();
                assertThat(hintOfType(task, "priority")).isNotNull();
                assertThat(hintOfType(task, "tags")).isNotNull();
                assertThat(hintOfType(task, "actions")).isNotNull();
                assertThat(hintOfType(task, "description")).isNotNull();
            });
            JsonNode title = hintOfType(task, "title");
            assertThat(title.get("suggestion").get("title").asString()).isEqualTo("checkout broken (clarified)");
            assertThat(title.get("source").asString()).isEqualTo("worker:model-text (test-model, prompt text.v1)");
            JsonNode priority = hintOfType(task, "priority");
            assertThat(priority.get("source").asString())
                    .isEqualTo("worker:model-triage (test-model, prompt triage.v1)");
            assertThat(priority.get("suggestion").get("priority").asString()).isEqualTo("high");
            assertThat(hintOfType(task, "actions").get("suggestion").get("checklist"))
                    .hasSize(3);
            assertThat(hintOfType(task, "description")
                            .get("suggestion")
                            .get("acceptance_criteria")
                            .asString())
                    .startsWith("- [ ] The page loads without an error");

            // usage per job in agent_results: model, prompt version, tokens in and out, latency
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(
                                    worker.count(
                                            "select count(*) from agent_results where task_id = " + task
                                                    + " and agent in ('model-text', 'model-triage', 'model-split', 'model-criteria')"))
                            .isEqualTo(4));
            List<String> usage =
                    worker.db.sql("""
                    select concat_ws('|', agent, model, prompt_version, tokens_in, tokens_out, latency_ms is not null)
                    from agent_results where task_id = :t and model is not null and agent <> 'model-duplicate' order by agent
                    """).param("t", task).query(String.class).list();
            assertThat(usage)
                    .containsExactly(
                            "model-criteria|test-model|criteria.v1|120|40|t",
                            "model-split|test-model|split.v1|120|40|t",
                            "model-text|test-model|text.v1|120|40|t",
                            "model-triage|test-model|triage.v1|120|40|t");
            assertThat(worker.db
                            .sql(
                                    "select concat_ws('|', model, prompt_version) from hint_drafts where task_id = :t and type = 'priority'")
                            .param("t", task)
                            .query(String.class)
                            .single())
                    .isEqualTo("test-model|triage.v1");
            assertThat(worker.count("select coalesce(sum(tokens_in + tokens_out), 0) from model_usage"))
                    .isGreaterThanOrEqualTo(640);
            // the model saw the description, but not the password in it
            assertThat(server.chatRequests())
                    .allSatisfy(r -> assertThat(r.userMessage()).doesNotContain("Winter2030"));
            assertThat(server.chatRequests())
                    .anySatisfy(r -> assertThat(r.userMessage()).contains("password: [REDACTED]"));
            // the deterministic agents the model agents replace do not run besides them
            assertThat(worker.count(
                            "select count(*) from agent_processing_jobs where agent in ('title', 'priority', 'tags',"
                                    + " 'actions', 'description', 'duplicate')"))
                    .isZero();

            // the feed announced the hints; applying one changes the task
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(http.get("/api/v1/events?limit=500&board_id=" + board)
                                    .json()
                                    .get("items")
                                    .valueStream()
                                    .anyMatch(e -> e.get("type").asString().equals("hints_available")
                                            && e.get("task_id").asLong() == task))
                            .isTrue());
            Response applied = http.post("/api/v1/hints/" + priority.get("id").asLong() + "/apply", null);
            assertThat(applied.status()).as(applied.body()).isEqualTo(200);
            assertThat(fx.get(task).get("priority").asString()).isEqualTo("high");

            // the update is analysed again: triage is asked anew (the priority it is sent changed), the
            // text agent is not (title and description are what it was sent before)
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(
                                    worker.count("select count(*) from agent_processing_jobs" + " where task_id = "
                                            + task + " and agent = 'model-text' and status = 'completed'"))
                            .isEqualTo(2));
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(worker.count("select count(*) from agent_processing_jobs"
                                    + " where task_id = " + task + " and status <> 'completed'"))
                            .isZero());
            assertThat(server.chatRequests().stream()
                            .filter(r -> title(r).equals("checkout broken!")
                                    && r.systemMessage().contains("clearer title"))
                            .count())
                    .isEqualTo(1);
            assertThat(server.chatRequests().stream()
                            .filter(r -> title(r).equals("checkout broken!")
                                    && r.systemMessage().contains("triage"))
                            .count())
                    .isEqualTo(2);
        }
    }

    @Test
    void anAnswerInvalidTwiceFailsTheJobAtOnceWithTheReasonWhileOtherAgentsGoOn() throws Exception {
        try (FakeModelServer server = new FakeModelServer();
                RunningWorker worker = worker(server)) {
            server.answerWith(r ->
                    r.userMessage().contains("Garbled") && r.systemMessage().contains("clearer title")
                            ? Answer.content("{\"title\": \"half an answer")
                            : Answer.content(FakeModelServer.cannedAnswer(r)));
            long task = fx.task(board, "Garbled answers for this task");

            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(job(worker, task, "model-text")).startsWith("failed|1|"));
            assertThat(job(worker, task, "model-text")).contains("Unanswerable", "answered twice", "text.v1");
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(job(worker, task, "model-triage")).isEqualTo("completed|1|"));
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(hintOfType(task, "priority")).isNotNull());
            assertThat(hintOfType(task, "title")).isNull();
        }
    }

    @Test
    void modelAgentsAskedForWithoutAModelAreRefusedAtStartWithTheReason() {
        assertThatThrownBy(() -> RunningWorker.start(
                        RunningWorker.database(),
                        "http://localhost:" + port,
                        token,
                        List.of(),
                        "kanban.worker.agents=model-triage"))
                .hasStackTraceContaining("run only when WORKER_MODEL names a model");
    }

    @Test
    void rateLimitedRequestsAreRetriedWithBackoffUntilTheModelAnswers() throws Exception {
        AtomicInteger limited = new AtomicInteger();
        try (FakeModelServer server = new FakeModelServer();
                RunningWorker worker = worker(server, "kanban.worker.agents=model-triage")) {
            // the client retries once itself; the job queue retries the attempt after retry-backoff
            server.answerWith(r -> title(r).equals("Rate limited triage") && limited.getAndIncrement() < 2
                    ? Answer.status(429)
                    : Answer.content(FakeModelServer.cannedAnswer(r)));
            long task = fx.task(board, "Rate limited triage");

            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(job(worker, task, "model-triage")).isEqualTo("completed|2|"));
            assertThat(limited.get()).isEqualTo(3);
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(hintOfType(task, "priority")).isNotNull());
        }
    }

    @Test
    void whenTheDailyBudgetIsSpentTheDeterministicRulesRunInstead() throws Exception {
        try (FakeModelServer server = new FakeModelServer();
                RunningWorker worker =
                        worker(server, "kanban.worker.agents=model-triage", "kanban.worker.model.daily-tokens=100")) {
            // the worker reads the workspace's feed from its start: the first task it triages spends the budget
            long first = fx.task(board, "Budget: first task to triage");
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(job(worker, first, "model-triage")).startsWith("completed"));
            int asked = server.chatRequests().size();
            assertThat(asked).isEqualTo(1);
            assertThat(worker.count("select count(*) from agent_results where model is not null"))
                    .isEqualTo(1);
            assertThat(worker.count("select tokens_in + tokens_out from model_usage"))
                    .isEqualTo(160);

            long second = fx.task(board, "Budget: the server crashes at startup");
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(hintOfType(second, "priority")).isNotNull());
            JsonNode fallback = hintOfType(second, "priority");
            assertThat(fallback.get("source").asString()).isEqualTo("worker:model-triage");
            assertThat(fallback.get("message").asString()).contains("crash");
            assertThat(server.chatRequests()).hasSize(asked);
            assertThat(worker.db
                            .sql("select coalesce(model, 'none') from agent_results where task_id = :t")
                            .param("t", second)
                            .query(String.class)
                            .single())
                    .isEqualTo("none");
        }
    }

    @Test
    void aTaskSayingWhatAnOlderOpenTaskSaysIsFlaggedAsItsLikelyDuplicate() throws Exception {
        try (FakeModelServer server = new FakeModelServer();
                RunningWorker worker = worker(server, "kanban.worker.agents=model-duplicate")) {
            long original = fx.task(board, "Export of monthly invoices produces empty PDF files");
            await().atMost(WAIT)
                    .untilAsserted(() ->
                            assertThat(job(worker, original, "model-duplicate")).startsWith("completed"));
            long again = fx.task(board, "Monthly invoices: the export produces empty files (PDF)");

            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(hintOfType(again, "duplicate")).isNotNull());
            JsonNode hint = hintOfType(again, "duplicate");
            assertThat(hint.get("suggestion").get("duplicate_of").asLong()).isEqualTo(original);
            assertThat(hint.get("suggestion").get("similarity").asDouble()).isGreaterThanOrEqualTo(0.9);
            assertThat(hint.get("source").asString())
                    .isEqualTo("worker:model-duplicate (test-embedding, prompt duplicate.v1)");
            assertThat(hintOfType(original, "duplicate")).isNull();
            assertThat(worker.count(
                            "select count(*) from task_embeddings where task_id in (" + original + ", " + again + ")"))
                    .isEqualTo(2);
            assertThat(server.requests()).allSatisfy(r -> assertThat(r.path()).isEqualTo("/v1/embeddings"));
        }
    }
}
