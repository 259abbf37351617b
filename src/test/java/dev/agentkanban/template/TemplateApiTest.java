package dev.agentkanban.template;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Board templates (issue 17): the built-in ones, a board saved as a template, boards made from both. */
class TemplateApiTest extends ApiTest {

    @Test
    void theAgentPipelineTemplateMakesABoardWithItsColumnsKindsAndWipLimits() {
        JsonNode all = http.get("/api/v1/templates").json();
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
        assertThat(stranger.get("/api/v1/templates").json().findValuesAsString("name"))
                .doesNotContain("Ours only");
        assertThat(stranger.post("/api/v1/templates/" + id + "/boards", obj()).status())
                .isEqualTo(404);
    }
}
