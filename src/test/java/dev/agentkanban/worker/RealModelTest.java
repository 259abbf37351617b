package dev.agentkanban.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import tools.jackson.databind.json.JsonMapper;

/**
 * Opt-in: the model-backed agents against a real endpoint, run only when WORKER_MODEL_TEST_MODEL is
 * set (with WORKER_MODEL_TEST_URL, WORKER_MODEL_TEST_API_KEY, WORKER_MODEL_TEST_PROVIDER and
 * WORKER_MODEL_TEST_EMBEDDING_MODEL as needed), e.g. a local Ollama:
 * {@code WORKER_MODEL_TEST_URL=http://127.0.0.1:11434/v1 WORKER_MODEL_TEST_MODEL=qwen2.5:7b ./mvnw test -Dtest=RealModelTest}.
 * Skipped otherwise (and not counted as a test of the feature).
 */
@EnabledIfEnvironmentVariable(named = "WORKER_MODEL_TEST_MODEL", matches = ".+")
class RealModelTest {

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    @Test
    void aRealModelAnswersEveryAgentWithinItsSchema() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new MapPropertySource(
                        "test",
                        Map.of(
                                "kanban.worker.model.provider", env("WORKER_MODEL_TEST_PROVIDER", "openai"),
                                "kanban.worker.model.url", env("WORKER_MODEL_TEST_URL", ""),
                                "kanban.worker.model.model", env("WORKER_MODEL_TEST_MODEL", ""),
                                "kanban.worker.model.api-key", env("WORKER_MODEL_TEST_API_KEY", ""),
                                "kanban.worker.model.embedding-model", env("WORKER_MODEL_TEST_EMBEDDING_MODEL", ""))));
        ModelSettings settings = ModelSettings.from(env);
        ModelAgents.InMemory context = new ModelAgents.InMemory(100_000);
        List<Agent> agents = ModelAgents.create(
                SpringAiModel.create(settings),
                context,
                Agents.builtIn(Duration.ofDays(7)),
                JsonMapper.builder().build(),
                settings.duplicateSimilarity());
        WorkerTask task = AgentsTest.task(
                "checkout broken!!",
                "description",
                "Since the last deploy, paying with a discount code shows error 500 and the order is lost. Steps: add an item,"
                        + " apply code SPRING, pay. Fix it, add a regression test and tell support.");

        for (Agent agent : agents) {
            Agent.Analysis a = agent.analyseWithUsage(
                    new Agent.Snapshot(task, AgentsTest.NOW, List.of(), java.util.Optional.empty()));
            System.out.println(agent.name() + ": " + a.findings() + " " + a.usage());
            if (!agent.name().equals("model-duplicate")) {
                assertThat(a.usage()).as(agent.name()).isNotNull();
                assertThat(a.usage().tokensIn()).as(agent.name()).isPositive();
            }
        }
        assertThat(context.spent()).isPositive();
    }
}
