package dev.agentkanban.rule;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two whole instances on one database (of their own, so no other app context of the test JVM takes
 * part), both running the rule engine: every task created through either of them gets its rule
 * applied exactly once (one run, one comment).
 */
class RuleTwoInstancesTest {

    @Test
    void twoInstancesApplyEachRuleOncePerEvent() {
        TestDatabase db = TestDatabase.get().another();
        try (AppInstance one = AppInstance.startOn(db, List.of(), "kanban.rules.poll-interval=PT0.1S");
                AppInstance two = AppInstance.startOn(db, List.of(), "kanban.rules.poll-interval=PT0.1S")) {
            String token = one.token("rule-admin", Role.ADMIN, "read", "write", "admin");
            Http onOne = one.http.withToken(token);
            Http onTwo = two.http.withToken(token);
            long board = new TaskFixtures(onOne).board("Two engines")[0];
            Response rule = onTwo.post(
                    "/api/v1/boards/" + board + "/rules",
                    obj(
                            "name",
                            "Welcome",
                            "trigger",
                            obj("type", "task_created"),
                            "actions",
                            List.of(obj("type", "comment", "body", "welcome"), obj("type", "add_tag", "tag", "seen"))));
            assertThat(rule.status()).as(rule.body()).isEqualTo(201);

            List<Long> tasks = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Http via = i % 2 == 0 ? onOne : onTwo;
                tasks.add(via.post("/api/v1/tasks", obj("board_id", board, "title", "task " + i))
                        .id());
            }
            List<JsonNode> runs = new ArrayList<>();
            await("a finished run for every task")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        runs.clear();
                        onOne.get("/api/v1/boards/" + board + "/rules/" + rule.id() + "/runs?limit=500")
                                .json()
                                .get("items")
                                .forEach(runs::add);
                        return runs.size() >= tasks.size()
                                && runs.stream()
                                        .allMatch(
                                                r -> r.get("status").asString().equals("applied"));
                    });
            assertThat(runs).extracting(r -> r.get("task_id").asLong()).containsExactlyInAnyOrderElementsOf(tasks);
            for (long t : tasks) {
                JsonNode comments =
                        onTwo.get("/api/v1/tasks/" + t + "/comments").json().get("items");
                assertThat(comments).as("comments on task %d", t).hasSize(1);
                assertThat(comments.get(0).get("author").asString()).isEqualTo("rule:Welcome");
            }
        }
    }
}
