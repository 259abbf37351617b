package dev.agentkanban.savedview;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Saved views (issue 17): named filters per user and board, shared ones listed for everyone. */
class SavedViewApiTest extends ApiTest {

    @Test
    void aViewIsPrivateUntilSharedAndOnlyItsOwnerChangesIt() {
        long board = new TaskFixtures(http).board("Views")[0];
        Http ann = clientFor("views-ann", defaultWorkspace, Role.MEMBER);
        Http bob = clientFor("views-bob", defaultWorkspace, Role.VIEWER, "read", "write");

        Response saved = ann.post(
                "/api/v1/boards/" + board + "/views",
                obj("name", "Urgent points", "filters", Map.of("priority", "urgent", "cf.Points", "gt:3", "q", " ")));
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        long id = saved.id();
        assertThat(saved.json().get("filters").toString())
                .isEqualTo("{\"priority\":\"urgent\",\"cf.Points\":\"gt:3\"}");
        assertThat(saved.json().get("mine").asBoolean()).isTrue();
        assertThat(names(bob, board)).as("private until shared").isEmpty();
        assertThat(ann.post("/api/v1/boards/" + board + "/views", obj("name", "urgent POINTS", "filters", Map.of()))
                        .status())
                .isEqualTo(409);

        assertThat(ann.patch("/api/v1/views/" + id, obj("shared", true)).status())
                .isEqualTo(200);
        JsonNode seen = bob.get("/api/v1/boards/" + board + "/views").json();
        assertThat(seen.get(0).get("name").asString()).isEqualTo("Urgent points");
        assertThat(seen.get(0).get("mine").asBoolean()).isFalse();
        assertThat(seen.get(0).get("owner").asString()).isEqualTo("views-ann");
        assertThat(bob.patch("/api/v1/views/" + id, obj("name", "Mine now")).status())
                .isEqualTo(403);
        assertThat(bob.delete("/api/v1/views/" + id).status()).isEqualTo(403);

        // a viewer keeps views of their own too
        assertThat(bob.post("/api/v1/boards/" + board + "/views", obj("name", "Bob's", "filters", Map.of("tag", "bug")))
                        .status())
                .isEqualTo(201);
        assertThat(names(bob, board)).containsExactly("Bob's", "Urgent points");
        assertThat(names(ann, board)).containsExactly("Urgent points");

        Response bad =
                ann.post("/api/v1/boards/" + board + "/views", obj("name", "Odd", "filters", Map.of("drop", "x")));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("filters.drop");

        assertThat(http.delete("/api/v1/views/" + id).status())
                .as("an admin removes a shared view")
                .isEqualTo(204);
        assertThat(names(bob, board)).containsExactly("Bob's");
        long other = otherWorkspace("views-elsewhere");
        Http stranger = clientFor("views-stranger", other, Role.ADMIN);
        assertThat(stranger.get("/api/v1/boards/" + board + "/views").status()).isEqualTo(404);
    }

    private static java.util.List<String> names(Http client, long board) {
        Response r = client.get("/api/v1/boards/" + board + "/views");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().findValuesAsString("name");
    }
}
