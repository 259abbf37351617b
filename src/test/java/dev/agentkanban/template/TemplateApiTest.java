package dev.agentkanban.template;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Board templates (issue 17): the built-in ones, a board saved as a template, boards made from both. */
class TemplateApiTest extends ApiTest {

    @Test
    void theAgentPipelineTemplateMakesABoardWithItsColumnsKindsAndWipLimits() {
        JsonNode all = http.get("/api/v1/templates").json().get("items");
        assertThat(all.findValuesAsString("name"))
                .contains("Basic kanban", "Scrum sprint", "Bug triage", "Agent pipeline");

        Response created = http.post("/api/v1/templates/agent-pipeline/boards", obj("name", "Agents at work"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode columns = created.json().get("columns");
        assertThat(columns.findValuesAsString("name")).containsExactly("Backlog", "Ready", "Claimed", "Review", "Done");
        assertThat(columns.findValuesAsString("kind"))
                .containsExactly("backlog", "todo", "in_progress", "review", "done");
        assertThat(columns.get(2).get("wip_limit").asInt()).isEqualTo(3);
        assertThat(created.json().get("name").asString()).isEqualTo("Agents at work");
    }

    @Test
    void aBuiltInTemplateBringsItsTagsAndSampleCardsWithChecklists() {
        Response created = http.post("/api/v1/templates/scrum-sprint/boards", null);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long board = created.id();
        assertThat(created.json().get("name").asString()).isEqualTo("Scrum sprint");
        JsonNode tasks = http.get("/api/v1/tasks?board_id=" + board).json().get("items");
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).get("column").asString()).isEqualTo("Sprint Backlog");
        assertThat(tasks.get(0).get("checklist").get("total").asInt()).isEqualTo(4);
        assertThat(http.get("/api/v1/tags").json().findValuesAsString("name")).contains("story", "spike");
    }

    @Test
    void aBoardSavedAsATemplateMakesACopyOfItsSetUp() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Original");
        http.patch(
                "/api/v1/boards/" + b[0] + "/columns/" + b[3],
                obj("name", "In Progress", "kind", "in_progress", "wip_limit", 2));
        long card = fx.task(b[0], "Write the release notes", "column_id", b[2], "tags", List.of("documentation"));
        http.post("/api/v1/tasks/" + card + "/checklist", obj("text", "collect the changes"));

        Response saved = http.post(
                "/api/v1/boards/" + b[0] + "/template",
                obj("name", "Release board", "description", "how we ship", "include_cards", true));
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        String id = saved.json().get("id").asString();
        assertThat(saved.json().get("built_in").asBoolean()).isFalse();
        assertThat(http.post("/api/v1/boards/" + b[0] + "/template", obj("name", "release BOARD"))
                        .status())
                .isEqualTo(409);

        Response copy = http.post("/api/v1/templates/" + id + "/boards", obj("name", "Next release"));
        assertThat(copy.status()).as(copy.body()).isEqualTo(201);
        assertThat(copy.json().get("columns").get(2).get("wip_limit").asInt()).isEqualTo(2);
        JsonNode tasks = http.get("/api/v1/tasks?board_id=" + copy.id()).json().get("items");
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).get("title").asString()).isEqualTo("Write the release notes");
        assertThat(tasks.get(0).get("column").asString()).isEqualTo("To Do");
        assertThat(tasks.get(0).get("tags").findValuesAsString("name")).containsExactly("documentation");
        assertThat(tasks.get(0).get("checklist").get("total").asInt()).isEqualTo(1);

        Http viewer = clientFor("template-viewer", defaultWorkspace, Role.VIEWER);
        assertThat(viewer.get("/api/v1/templates/" + id).status()).isEqualTo(200);
        assertThat(viewer.post("/api/v1/templates/" + id + "/boards", obj()).status())
                .isEqualTo(403);
        assertThat(http.delete("/api/v1/templates/agent-pipeline").status()).isEqualTo(409);
        assertThat(http.delete("/api/v1/templates/" + id).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/templates/" + id).status()).isEqualTo(404);
        assertThat(http.post("/api/v1/templates/nonsense/boards", obj()).status())
                .isEqualTo(404);
    }

    @Test
    void anotherWorkspaceSeesNeitherTheTemplateNorItsBoards() {
        long[] b = new TaskFixtures(http).board("Private set-up");
        String id = http.post("/api/v1/boards/" + b[0] + "/template", obj("name", "Ours only"))
                .json()
                .get("id")
                .asString();
        long other = otherWorkspace("templates-other");
        Http stranger = clientFor("template-stranger", other, Role.ADMIN);
        assertThat(stranger.get("/api/v1/templates/" + id).status()).isEqualTo(404);
        assertThat(stranger.get("/api/v1/templates").json().get("items").findValuesAsString("name"))
                .doesNotContain("Ours only");
        assertThat(stranger.post("/api/v1/templates/" + id + "/boards", obj()).status())
                .isEqualTo(404);
    }

    @Test
    void aRuleSavedWithATemplateFiresOnTheBoardMadeFromIt() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Rules to copy");
        assertThat(http.post("/api/v1/tags", obj("name", "needs-check", "color", "#123456"))
                        .status())
                .isEqualTo(201);
        rule(
                b[0],
                "name",
                "Started work is checked",
                "trigger",
                obj("type", "task_moved", "column_id", b[3]),
                "conditions",
                obj("column_id", b[3]),
                "actions",
                List.of(
                        obj("type", "add_tag", "tag", "needs-check"),
                        obj("type", "assign", "assignee", "tester"),
                        obj("type", "notify", "user_id", admin.id(), "message", "work started")));
        rule(
                b[0],
                "name",
                "Urgent work starts at once",
                "trigger",
                obj("type", "task_created"),
                "conditions",
                obj("priority", "urgent"),
                "actions",
                List.of(obj("type", "move_to_column", "column_id", b[3])));

        Response saved = http.post("/api/v1/boards/" + b[0] + "/template", obj("name", "Board with rules"));
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        JsonNode stored = saved.json().get("content");
        assertThat(stored.get("rules")).hasSize(2);
        assertThat(stored.get("rules").toString()).doesNotContain("column_id");
        assertThat(stored.get("rules").findValuesAsString("column")).containsOnly("In Progress");
        // the tag a rule adds travels with the template, colour included, even though no card carries it
        assertThat(stored.get("tags").toString()).contains("needs-check", "#123456");
        long tag = http.get("/api/v1/tags")
                .json()
                .get("items")
                .valueStream()
                .filter(t -> t.get("name").asString().equals("needs-check"))
                .findFirst()
                .orElseThrow()
                .get("id")
                .asLong();
        assertThat(http.delete("/api/v1/tags/" + tag).status()).isEqualTo(204);

        Response copy = http.post(
                "/api/v1/templates/" + saved.json().get("id").asString() + "/boards", obj("name", "Ruled copy"));
        assertThat(copy.status()).as(copy.body()).isEqualTo(201);
        long progress = columnId(copy.json(), "In Progress");
        JsonNode rules =
                http.get("/api/v1/boards/" + copy.id() + "/rules").json().get("items");
        assertThat(rules.findValuesAsString("name"))
                .containsExactlyInAnyOrder("Started work is checked", "Urgent work starts at once");
        for (JsonNode r : rules) {
            assertThat(r.get("enabled").asBoolean()).isTrue();
            assertThat(r.findValues("column_id"))
                    .allSatisfy(id -> assertThat(id.asLong()).isEqualTo(progress));
        }
        assertThat(http.get("/api/v1/tags").json().toString()).contains("needs-check", "#123456");

        // urgent work on the new board is moved by one rule, then tagged and assigned by the other
        long task = fx.task(copy.id(), "Hot fix", "priority", "urgent");
        await("both rules applied on the new board")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    JsonNode t = fx.get(task);
                    return t.get("column_id").asLong() == progress
                            && t.get("tags").findValuesAsString("name").contains("needs-check")
                            && "tester".equals(t.path("assignee").asString(null));
                });
        // the original board's rules are untouched
        assertThat(http.get("/api/v1/boards/" + b[0] + "/rules")
                        .json()
                        .get("items")
                        .findValues("column_id"))
                .allSatisfy(id -> assertThat(id.asLong()).isEqualTo(b[3]));
    }

    @Test
    void aTemplateRuleNamingSomeoneWhoLeftComesBackSwitchedOff() {
        long[] b = new TaskFixtures(http).board("Leaver's board");
        Http leaver = clientFor("template-leaver", defaultWorkspace, Role.MEMBER);
        long leaverId =
                leaver.get("/api/v1/auth/me").json().get("user").get("id").asLong();
        rule(
                b[0],
                "name",
                "Give it to the leaver",
                "trigger",
                obj("type", "task_created"),
                "actions",
                List.of(obj("type", "assign", "assignee", "template-leaver")));
        String id = http.post("/api/v1/boards/" + b[0] + "/template", obj("name", "Leaver's template"))
                .json()
                .get("id")
                .asString();
        Response removed = http.delete("/api/v1/workspaces/" + defaultWorkspace + "/members/" + leaverId);
        assertThat(removed.status()).as(removed.body()).isIn(200, 204);

        Response copy = http.post("/api/v1/templates/" + id + "/boards", obj("name", "After the leaver"));
        assertThat(copy.status()).as(copy.body()).isEqualTo(201);
        JsonNode rules =
                http.get("/api/v1/boards/" + copy.id() + "/rules").json().get("items");
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).get("enabled").asBoolean()).isFalse();
    }

    @Test
    void aRuleWhoseColumnWasDeletedIsLeftOutOfTheTemplateInsteadOfComingBackWidened() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Lost column");
        long temp = http.post("/api/v1/boards/" + b[0] + "/columns", obj("name", "Temp", "kind", "review"))
                .id();
        rule(
                b[0],
                "name",
                "only Temp",
                "trigger",
                obj("type", "task_moved", "column_id", temp),
                "conditions",
                obj("column_id", temp),
                "actions",
                List.of(obj("type", "set_priority", "priority", "high")));
        rule(
                b[0],
                "name",
                "kept",
                "trigger",
                obj("type", "task_created"),
                "actions",
                List.of(obj("type", "add_tag", "tag", "kept")));
        assertThat(http.delete("/api/v1/boards/" + b[0] + "/columns/" + temp).status())
                .isEqualTo(204);

        Response saved = http.post("/api/v1/boards/" + b[0] + "/template", obj("name", "Without Temp"));
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        assertThat(saved.json().get("content").get("rules").findValuesAsString("name"))
                .containsExactly("kept");

        Response copy =
                http.post("/api/v1/templates/" + saved.json().get("id").asString() + "/boards", obj("name", "From it"));
        assertThat(copy.status()).as(copy.body()).isEqualTo(201);
        assertThat(http.get("/api/v1/boards/" + copy.id() + "/rules")
                        .json()
                        .get("items")
                        .findValuesAsString("name"))
                .containsExactly("kept");
    }

    @Test
    void aTemplateWithAStoredRuleThatCannotBeRestoredStillMakesBoardsAndSaysWhatItLeftOut() {
        long[] b = new TaskFixtures(http).board("Old template");
        rule(
                b[0],
                "name",
                "fine",
                "trigger",
                obj("type", "task_created"),
                "actions",
                List.of(obj("type", "add_tag", "tag", "fine")));
        String id = http.post("/api/v1/boards/" + b[0] + "/template", obj("name", "Saved by an older server"))
                .json()
                .get("id")
                .asString();
        // what an older server stored for rules whose column had been deleted: the column named null
        jdbc.sql("""
                        update board_templates set content = jsonb_set(content, '{rules}', content->'rules' || '[
                          {"name": "widened", "enabled": true, "trigger": {"type": "task_moved", "column": null},
                           "conditions": {"column": null}, "actions": [{"type": "set_priority", "priority": "high"}]},
                          {"name": "moves nowhere", "enabled": true, "trigger": {"type": "task_created"},
                           "conditions": {}, "actions": [{"type": "move_to_column", "column": null}]}]'::jsonb)
                        where id = :id
                        """).param("id", Long.parseLong(id)).update();

        for (String name : List.of("first use", "second use")) {
            Response copy = http.post("/api/v1/templates/" + id + "/boards", obj("name", name));
            assertThat(copy.status()).as(copy.body()).isEqualTo(201);
            assertThat(copy.json().get("left_out_rules").findValuesAsString("name"))
                    .containsExactly("widened", "moves nowhere");
            assertThat(copy.json().get("left_out_rules").findValuesAsString("reason"))
                    .allSatisfy(why -> assertThat(why).isNotBlank());
            assertThat(http.get("/api/v1/boards/" + copy.id() + "/rules")
                            .json()
                            .get("items")
                            .findValuesAsString("name"))
                    .containsExactly("fine");
        }
    }

    @Test
    void theAgentPipelineMovesUnblockedBacklogWorkToReady() {
        Response created = http.post("/api/v1/templates/agent-pipeline/boards", obj("name", "Pipeline with a rule"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long board = created.id();
        long backlog = columnId(created.json(), "Backlog");
        long ready = columnId(created.json(), "Ready");
        JsonNode rule = http.get("/api/v1/boards/" + board + "/rules")
                .json()
                .get("items")
                .get(0);
        assertThat(rule.get("trigger").get("type").asString()).isEqualTo("task_unblocked");
        assertThat(rule.get("conditions").get("column_id").asLong()).isEqualTo(backlog);
        assertThat(rule.get("actions").get(0).get("column_id").asLong()).isEqualTo(ready);

        TaskFixtures fx = new TaskFixtures(http);
        long blocker = fx.task(board, "Design the API", "column_id", ready);
        long waiting = fx.task(board, "Implement the API", "column_id", backlog);
        assertThat(http.post("/api/v1/tasks/" + blocker + "/relations", obj("kind", "blocks", "task_id", waiting))
                        .status())
                .isEqualTo(201);
        assertThat(http.post("/api/v1/tasks/" + blocker + "/complete", null).status())
                .isEqualTo(200);
        await("the unblocked task moved to Ready")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> fx.get(waiting).get("column_id").asLong() == ready);
    }

    private void rule(long board, Object... body) {
        Response r = http.post("/api/v1/boards/" + board + "/rules", obj(body));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private static long columnId(JsonNode board, String name) {
        return board.get("columns")
                .valueStream()
                .filter(c -> c.get("name").asString().equals(name))
                .findFirst()
                .orElseThrow()
                .get("id")
                .asLong();
    }
}
