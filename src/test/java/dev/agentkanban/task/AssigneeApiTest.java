package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Assignees are members (issue 15): zero or more people or agents of the workspace; seed 002's
 * {@code assignee} name maps to the member it names and stays free text otherwise; filters by member,
 * by {@code me} and for unassigned tasks (MCP {@code list_my_tasks}: McpPeopleToolsTest).
 */
class AssigneeApiTest extends ApiTest {

    TaskFixtures fx;
    Http ann;
    Http outsider;

    @BeforeAll
    void people() {
        fx = new TaskFixtures(http);
        ann = clientFor("ann", defaultWorkspace, Role.MEMBER);
        identities.provision("bot-7", "bot-7-password", defaultWorkspace, Role.AGENT, false);
        long other = otherWorkspace("elsewhere");
        outsider = clientFor("olga", other, Role.ADMIN);
    }

    List<String> assignees(long task) {
        List<String> names = new ArrayList<>();
        fx.get(task).get("assignees").forEach(n -> names.add(n.asString()));
        return names;
    }

    List<Long> ids(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        r.json().get("items").forEach(t -> ids.add(t.get("id").asLong()));
        return ids;
    }

    @Test
    void anAssigneeNameMatchingAMemberMapsToThatMemberAndOtherNamesStayText() {
        long[] b = fx.board("Names");
        long mapped = fx.task(b[0], "mapped", "assignee", "ANN");
        assertThat(assignees(mapped)).containsExactly("ann");
        assertThat(fx.get(mapped).get("assignee").asString()).isEqualTo("ANN");

        long text = fx.task(b[0], "free text", "assignee", "The Night Shift");
        assertThat(assignees(text)).isEmpty();
        assertThat(fx.get(text).get("assignee").asString()).isEqualTo("The Night Shift");

        // a member of another workspace is only a name here
        long foreign = fx.task(b[0], "foreign", "assignee", "olga");
        assertThat(assignees(foreign)).isEmpty();

        // changing the name re-maps it; clearing it unassigns
        assertThat(http.patch("/api/v1/tasks/" + text, obj("assignee", "bot-7")).status())
                .isEqualTo(200);
        assertThat(assignees(text)).containsExactly("bot-7");
        assertThat(http.patch("/api/v1/tasks/" + mapped, obj("assignee", null)).status())
                .isEqualTo(200);
        assertThat(assignees(mapped)).isEmpty();
    }

    @Test
    void aTaskHasSeveralAssigneesSetAddedAndRemovedAsNewVersions() {
        long[] b = fx.board("Several");
        long task = fx.task(b[0], "pair on it");
        long v1 = fx.get(task).get("version").asLong();

        Response set = http.put(
                "/api/v1/tasks/" + task + "/assignees",
                obj("assignees", List.of("ann", "bot-7")),
                "If-Match",
                "\"" + v1 + "\"");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("items"))
                .extracting(i -> i.get("username").asString())
                .containsExactly("ann", "bot-7");
        assertThat(set.json().get("items").get(1).get("user_id").asLong()).isPositive();
        JsonNode t = set.json().get("task");
        assertThat(t.get("assignee").asString()).isEqualTo("ann");
        assertThat(t.get("version").asLong()).isEqualTo(v1 + 1);
        assertThat(set.header("ETag")).contains("\"" + (v1 + 1) + "\"");

        // stale If-Match, unknown member, someone of another workspace: refused, nothing changes
        assertThat(http.put(
                                "/api/v1/tasks/" + task + "/assignees",
                                obj("assignees", List.of("ann")),
                                "If-Match",
                                "\"" + v1 + "\"")
                        .status())
                .isEqualTo(412);
        Response unknown = http.post("/api/v1/tasks/" + task + "/assignees", obj("username", "nobody"));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.header("Content-Type"))
                .hasValueSatisfying(c -> assertThat(c).contains("application/problem+json"));
        assertThat(unknown.body()).contains("nobody").contains("assignees");
        assertThat(http.post("/api/v1/tasks/" + task + "/assignees", obj("username", "olga"))
                        .status())
                .isEqualTo(422);
        assertThat(assignees(task)).containsExactly("ann", "bot-7");
        assertThat(fx.get(task).get("version").asLong()).isEqualTo(v1 + 1);

        // adding the caller by "me", adding someone twice changes nothing, removing one
        Response me = http.post("/api/v1/tasks/" + task + "/assignees", obj("username", "me"));
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(assignees(task)).containsExactly("ann", "bot-7", "tester");
        http.post("/api/v1/tasks/" + task + "/assignees", obj("username", "ann"));
        assertThat(fx.get(task).get("version").asLong()).isEqualTo(v1 + 2);
        long annId = jdbc.sql("select id from users where username = 'ann'")
                .query(Long.class)
                .single();
        Response removed = http.delete("/api/v1/tasks/" + task + "/assignees/" + annId);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        assertThat(assignees(task)).containsExactly("bot-7", "tester");
        assertThat(fx.get(task).get("assignee").asString()).isEqualTo("bot-7");
        assertThat(http.delete("/api/v1/tasks/" + task + "/assignees/" + annId).status())
                .isEqualTo(404);

        // audited, and the change is an event
        JsonNode history = http.get("/api/v1/tasks/" + task + "/history").json();
        assertThat(history.toString()).contains("assignees");
        // invisible from another workspace
        assertThat(outsider.get("/api/v1/tasks/" + task + "/assignees").status())
                .isEqualTo(404);
    }

    @Test
    void tasksFilterByAssigneeByMeAndUnassigned() {
        long[] b = fx.board("Filters");
        long anns = fx.task(b[0], "ann's", "assignee", "ann");
        long shared = fx.task(b[0], "shared");
        http.put("/api/v1/tasks/" + shared + "/assignees", obj("assignees", List.of("bot-7", "ann")));
        long text = fx.task(b[0], "by name", "assignee", "Night Shift");
        long nobody = fx.task(b[0], "nobody's");
        String board = "/api/v1/tasks?board_id=" + b[0];

        assertThat(ids(http.get(board + "&assignee=ann"))).containsExactlyInAnyOrder(anns, shared);
        assertThat(ids(http.get(board + "&assignee=bot-7"))).containsExactly(shared);
        assertThat(ids(http.get(board + "&assignee=Night%20Shift"))).containsExactly(text);
        assertThat(ids(ann.get(board + "&assignee=me"))).containsExactlyInAnyOrder(anns, shared);
        assertThat(ids(http.get(board + "&unassigned=true"))).containsExactly(nobody);
        assertThat(ids(http.get(board + "&unassigned=false"))).containsExactlyInAnyOrder(anns, shared, text);
        Response total = http.get(board + "&unassigned=true");
        assertThat(total.json().get("total").asLong()).isEqualTo(1);
    }
}
