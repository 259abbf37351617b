package dev.agentkanban.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.worker.Agent.Analysis;
import dev.agentkanban.worker.AgentsTest.Case;
import dev.agentkanban.worker.FakeModelServer.Answer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model-backed agents with Spring AI's real OpenAI client against a local OpenAI-compatible
 * server: structured answers become hints recording model and prompt, malformed or schema-breaking
 * answers are asked again once and then fail the job, 429, 5xx and timeouts, the budget's fallback to
 * the deterministic agents, and what leaves the machine.
 */
class ModelAgentsTest {

    FakeModelServer server;
    ModelAgents.InMemory context;
    List<Agent> agents;

    static ModelSettings settings(String url, Object... extra) {
        StandardEnvironment env = new StandardEnvironment();
        Map<String, Object> props = new java.util.HashMap<>(Map.of(
                "kanban.worker.model.url",
                url,
                "kanban.worker.model.model",
                "test-model",
                "kanban.worker.model.api-key",
                "test-key",
                "kanban.worker.model.embedding-model",
                "test-embedding",
                "kanban.worker.model.timeout",
                "PT2S",
                "kanban.worker.model.max-retries",
                "1"));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            props.put("kanban.worker.model." + extra[i], extra[i + 1]);
        }
        env.getPropertySources().addFirst(new MapPropertySource("test", props));
        return ModelSettings.from(env);
    }

    @BeforeEach
    void start() throws Exception {
        server = new FakeModelServer();
        useBudget(100_000);
    }

    void useBudget(long tokens) {
        context = new ModelAgents.InMemory(tokens);
        agents = ModelAgents.create(
                SpringAiModel.create(settings(server.url())),
                context,
                Agents.builtIn(Duration.ofDays(7)),
                JsonMapper.builder().build(),
                0.9);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Agent agent(String name) {
        return agents.stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }

    static Analysis run(Agent agent, WorkerTask task) {
        return agent.analyseWithUsage(new Case(task, List.of(), null));
    }

    @Test
    void aValidAnswerBecomesHintsRecordingModelPromptAndUsage() {
        server.queue(Answer.content(
                "{\"priority\":\"urgent\",\"tags\":[\"bug\",\"payments\"],\"reason\":\"customers cannot pay\"}"));
        Analysis a = run(agent("model-triage"), AgentsTest.task("Checkout rejects every card", "tags", List.of("bug")));

        assertThat(a.findings()).extracting(Agent.Finding::type).containsExactly("priority", "tags");
        assertThat(a.findings().get(0).suggestion()).isEqualTo(Map.of("priority", "urgent"));
        assertThat(a.findings().get(1).suggestion()).isEqualTo(Map.of("tags", List.of("payments")));
        assertThat(a.findings()).allSatisfy(f -> {
            assertThat(f.model()).isEqualTo("test-model");
            assertThat(f.promptVersion()).isEqualTo("triage.v1");
        });
        assertThat(a.usage().tokensIn()).isEqualTo(120);
        assertThat(a.usage().tokensOut()).isEqualTo(40);
        assertThat(context.spent()).isEqualTo(160);

        FakeModelServer.Request sent = server.chatRequests().getFirst();
        assertThat(sent.authorization()).isEqualTo("Bearer test-key");
        assertThat(sent.body().get("model").asString()).isEqualTo("test-model");
        assertThat(sent.body().get("response_format").get("type").asString()).isEqualTo("json_schema");
        assertThat(sent.body().get("response_format").toString())
                .contains("\"urgent\"")
                .doesNotContain("maxLength");
    }

    @Test
    void malformedJsonIsAskedAgainOnceThenTheAnalysisFailsForGood() {
        server.queue(
                Answer.content("Sure! Here is the JSON: {\"title\": "),
                Answer.content(
                        "```json\n{\"title\":\"Show the export button on the report page\",\"description\":null,\"reason\":\"names it\"}\n```"));
        Analysis a = run(agent("model-text"), AgentsTest.task("fix button"));
        assertThat(a.findings())
                .singleElement()
                .satisfies(f -> assertThat(f.suggestion())
                        .isEqualTo(Map.of("title", "Show the export button on the report page")));
        assertThat(server.chatRequests()).hasSize(2);
        assertThat(server.chatRequests().get(1).userMessage()).contains("previous answer was not valid (not JSON)");
        assertThat(a.usage().tokensIn()).isEqualTo(240);

        server.queue(Answer.content("not json at all"), Answer.content("{\"still\": \"broken"));
        assertThatThrownBy(() -> run(agent("model-text"), AgentsTest.task("fix other button")))
                .isInstanceOf(Agent.Unanswerable.class)
                .hasMessageContaining("answered twice")
                .hasMessageContaining("text.v1");
    }

    @Test
    void anAnswerBreakingTheSchemaIsAskedAgainAndFailsWhenItBreaksItTwice() {
        server.queue(
                Answer.content("{\"priority\":\"asap\",\"tags\":[],\"reason\":\"x\"}"),
                Answer.content("{\"priority\":\"whenever\",\"tags\":[],\"reason\":\"x\"}"));
        assertThatThrownBy(() -> run(agent("model-triage"), AgentsTest.task("Checkout rejects every card")))
                .isInstanceOf(Agent.Unanswerable.class)
                .hasMessageContaining("priority");
        assertThat(server.chatRequests()).hasSize(2);
        assertThat(server.chatRequests().get(1).userMessage()).contains("previous answer was not valid");
    }

    @Test
    void rateLimitsAndServerErrorsAreRetriedByTheClientAndFailTheAttemptWhenTheyPersist() {
        server.queue(Answer.status(429));
        Analysis a = run(
                agent("model-split"),
                AgentsTest.task("Migrate the reports", "description", "Export, convert and import"));
        assertThat(a.findings())
                .singleElement()
                .satisfies(f -> assertThat(f.type()).isEqualTo("actions"));
        assertThat(server.chatRequests()).hasSize(2);

        // max-retries 1: a second 5xx in a row fails the attempt (the job queue retries it later)
        server.queue(Answer.status(503), Answer.status(500));
        assertThatThrownBy(() -> run(agent("model-split"), AgentsTest.task("Migrate the dashboards")))
                .isNotInstanceOf(Agent.Unanswerable.class)
                .hasMessageContaining("500");
        assertThat(server.chatRequests()).hasSize(4);
    }

    @Test
    void aModelThatDoesNotAnswerInTimeFailsTheAttempt() {
        server.queue(Answer.hanging(), Answer.hanging());
        assertThatThrownBy(() -> run(agent("model-criteria"), AgentsTest.task("Add CSV export")))
                .isNotInstanceOf(Agent.Unanswerable.class);
        assertThat(server.chatRequests()).hasSize(2);
    }

    @Test
    void whenTheBudgetIsSpentTheDeterministicAgentsAnswerWithoutAskingTheModel() {
        useBudget(0);
        Analysis a = run(agent("model-triage"), AgentsTest.task("Server crashes on login"));
        assertThat(a.usage()).isNull();
        assertThat(a.findings()).extracting(Agent.Finding::type).containsExactly("priority", "tags");
        assertThat(a.findings()).allSatisfy(f -> assertThat(f.model()).isNull());
        assertThat(run(agent("model-text"), AgentsTest.task("SERVER CRASHES ON LOGIN!!!"))
                        .findings())
                .singleElement()
                .satisfies(f -> assertThat(f.suggestion()).isEqualTo(Map.of("title", "Server crashes on login")));
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void onlyTheFieldsAnAgentNeedsLeaveTheMachineAndSecretsAreRedacted() {
        context.add(new WorkerTask(
                7, 1, 10, "Older task", null, null, "pending", "low", null, List.of("frontend"), 1, AgentsTest.NOW));
        WorkerTask task = AgentsTest.task(
                "Login fails for SSO users",
                "description",
                "Since the deploy with password=hunter2 and key sk-live-0123456789abcdefghij the SSO login fails.",
                "criteria",
                "- [ ] works",
                "epic",
                "Secret project Falcon",
                "tags",
                List.of("auth"));
        run(agent("model-text"), task);
        run(agent("model-triage"), task);
        run(agent("model-split"), task);
        run(agent("model-criteria"), task); // has criteria: nothing to ask

        List<FakeModelServer.Request> sent = server.chatRequests();
        assertThat(sent).hasSize(3);
        for (FakeModelServer.Request r : sent) {
            assertThat(r.userMessage()).doesNotContain("hunter2", "sk-live", "Falcon", "\"id\"", "board", "column");
            assertThat(r.userMessage()).contains("password=[REDACTED]");
        }
        assertThat(FakeModelServer.JSON.readTree(sent.get(0).userMessage()).propertyNames())
                .containsExactly("title", "description");
        assertThat(FakeModelServer.JSON.readTree(sent.get(1).userMessage()).propertyNames())
                .containsExactly("title", "description", "priority", "tags", "workspace_tags", "recent_tasks");
        assertThat(sent.get(1).userMessage()).contains("frontend", "Older task");
        assertThat(FakeModelServer.JSON.readTree(sent.get(2).userMessage()).propertyNames())
                .containsExactly("title", "description", "acceptance_criteria");
    }

    @Test
    void aSimilarOlderOpenTaskIsNamedAsTheLikelyOriginal() {
        Agent duplicate = agent("model-duplicate");
        WorkerTask original = new WorkerTask(
                1,
                1,
                10,
                "Export of monthly invoices produces empty PDF files",
                null,
                null,
                "pending",
                "medium",
                null,
                List.of(),
                1,
                AgentsTest.NOW);
        WorkerTask other = new WorkerTask(
                2,
                1,
                10,
                "Dark mode for the settings page",
                "Test account token: ghp_0123456789abcdefABCDEF0123456789abcd",
                null,
                "pending",
                "medium",
                "Epic X",
                List.of(),
                1,
                AgentsTest.NOW);
        WorkerTask again = new WorkerTask(
                3,
                1,
                10,
                "Monthly invoices: the export produces empty files (PDF)",
                null,
                null,
                "pending",
                "medium",
                null,
                List.of(),
                1,
                AgentsTest.NOW);
        assertThat(run(duplicate, original).findings()).isEmpty();
        assertThat(run(duplicate, other).findings()).isEmpty();
        Analysis a = run(duplicate, again);
        assertThat(a.findings()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo("duplicate");
            assertThat(f.suggestion().get("duplicate_of")).isEqualTo(1L);
            assertThat((Double) f.suggestion().get("similarity")).isGreaterThanOrEqualTo(0.9);
            assertThat(f.message()).contains("#1").contains("similarity");
            assertThat(f.model()).isEqualTo("test-embedding");
        });
        assertThat(a.usage().model()).isEqualTo("test-embedding");
        assertThat(server.requests()).allSatisfy(r -> assertThat(r.path()).endsWith("/v1/embeddings"));
        // title and description only, redacted
        assertThat(server.requests().get(1).body().get("input").toString())
                .isEqualTo("[\"Dark mode for the settings page\\nTest account token: [REDACTED]\"]");
    }

    @Test
    void theAnthropicProviderAsksTheMessagesApiWithTheSchema() {
        String base = server.url().substring(0, server.url().length() - "/v1".length());
        agents = ModelAgents.create(
                SpringAiModel.create(settings(base, "provider", "anthropic", "model", "test-claude")),
                context,
                Agents.builtIn(Duration.ofDays(7)),
                JsonMapper.builder().build(),
                0.9);
        Analysis a = run(agent("model-triage"), AgentsTest.task("Checkout rejects every card"));

        assertThat(a.findings()).extracting(Agent.Finding::type).containsExactly("priority", "tags");
        assertThat(a.findings()).allSatisfy(f -> assertThat(f.model()).isEqualTo("test-claude"));
        assertThat(a.usage().tokensIn()).isEqualTo(90);
        assertThat(a.usage().tokensOut()).isEqualTo(30);
        FakeModelServer.Request sent = server.requests().getFirst();
        assertThat(sent.path()).isEqualTo("/v1/messages");
        assertThat(sent.body().get("model").asString()).isEqualTo("test-claude");
        assertThat(sent.body().toString()).contains("\"urgent\"");
    }

    @Test
    void settingsHaveTheProvidersDefaultsAndRefuseWhatTheyCannotUse() {
        StandardEnvironment env = new StandardEnvironment();
        assertThat(ModelSettings.from(env).enabled()).isFalse();
        env.getPropertySources()
                .addFirst(new MapPropertySource(
                        "t",
                        Map.of("kanban.worker.model.provider", "anthropic", "kanban.worker.model.model", "claude")));
        ModelSettings anthropic = ModelSettings.from(env);
        assertThat(anthropic.url()).hasToString("https://api.anthropic.com");
        assertThat(anthropic.embeddings())
                .as("no embedding endpoint for anthropic unless named")
                .isFalse();
        assertThat(settings("http://127.0.0.1:11434/v1/").embeddingUrl()).hasToString("http://127.0.0.1:11434/v1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> settings("http://x/v1", "provider", "gemini"))
                .hasMessageContaining("WORKER_MODEL_PROVIDER must be openai or anthropic");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> settings("ftp://x"))
                .hasMessageContaining("WORKER_MODEL_URL must start with http");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> settings("http://x/v1", "daily-tokens", "-5"))
                .hasMessageContaining("daily-tokens must be a whole number");
    }

    @Test
    void withoutAKeyNoAuthorizationHeaderIsSent() {
        agents = ModelAgents.create(
                SpringAiModel.create(settings(server.url(), "api-key", "")),
                context,
                Agents.builtIn(Duration.ofDays(7)),
                JsonMapper.builder().build(),
                0.9);
        run(agent("model-text"), AgentsTest.task("fix button"));
        assertThat(server.chatRequests())
                .singleElement()
                .satisfies(r -> assertThat(r.authorization()).isNull());
    }
}
