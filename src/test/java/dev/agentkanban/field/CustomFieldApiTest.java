package dev.agentkanban.field;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Custom fields (issue 17): definitions per board, typed values on tasks, filters and sorts over them. */
class CustomFieldApiTest extends ApiTest {

    private long board;
    private final Map<String, Long> ids = new HashMap<>();

    /** A board with one field of every type. */
    private TaskFixtures boardWithFields(String name) {
        TaskFixtures fx = new TaskFixtures(http);
        board = fx.board(name)[0];
        define("Points", "number", null, true);
        define("Due on", "date", null, false);
        define("Stage", "single_select", List.of("Idea", "Ready", "Shipped"), true);
        define("Labels", "multi_select", List.of("ui", "api", "docs"), false);
        define("Reviewed", "checkbox", null, false);
        define("Reviewer", "member", null, false);
        define("Spec", "url", null, false);
        define("Notes", "text", null, false);
        return fx;
    }

    private void define(String name, String type, List<String> options, boolean visible) {
        Map<String, Object> body = obj("name", name, "type", type, "visible", visible);
        if (options != null) {
            body.put("options", options);
        }
        Response r = http.post("/api/v1/boards/" + board + "/fields", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        ids.put(name, r.id());
    }

    @Test
    void valuesOfEveryTypeAreCheckedStoredAndReadBackByName() {
        TaskFixtures fx = boardWithFields("Fields");
        JsonNode defs = http.get("/api/v1/boards/" + board + "/fields").json();
        assertThat(defs.findValuesAsString("name"))
                .containsExactly("Points", "Due on", "Stage", "Labels", "Reviewed", "Reviewer", "Spec", "Notes");
        assertThat(defs.get(2).get("type").asString()).isEqualTo("single_select");
        assertThat(strings(defs.get(2).get("options"))).containsExactly("Idea", "Ready", "Shipped");
        assertThat(defs.get(0).get("visible").asBoolean()).isTrue();

        Map<String, Object> values = new HashMap<>();
        values.put("Points", 5);
        values.put("due on", "2026-12-24");
        values.put("Stage", "ready");
        values.put("Labels", List.of("docs", "ui"));
        values.put("Reviewed", true);
        values.put("Reviewer", admin.username().toUpperCase());
        values.put("Spec", "https://example.org/spec");
        values.put("Notes", "free text");
        long task = fx.task(board, "Typed", "fields", values);

        JsonNode fields = fx.get(task).get("fields");
        assertThat(fields.get("Points").asInt()).isEqualTo(5);
        assertThat(fields.get("Due on").asString()).isEqualTo("2026-12-24");
        assertThat(fields.get("Stage").asString()).isEqualTo("Ready");
        assertThat(strings(fields.get("Labels"))).as("in the field's order").containsExactly("ui", "docs");
        assertThat(fields.get("Reviewed").asBoolean()).isTrue();
        assertThat(fields.get("Reviewer").asString()).isEqualTo(admin.username());
        assertThat(fields.get("Spec").asString()).isEqualTo("https://example.org/spec");
        assertThat(fields.get("Notes").asString()).isEqualTo("free text");
        List<String> names = new ArrayList<>();
        fields.propertyNames().forEach(names::add);
        assertThat(names)
                .as("in the board's order of fields")
                .containsExactly("Points", "Due on", "Stage", "Labels", "Reviewed", "Reviewer", "Spec", "Notes");

        // a PATCH changes the fields it names; null clears one
        Map<String, Object> change = new HashMap<>();
        change.put("Points", 8.50);
        change.put("Notes", null);
        Response patched = http.patch("/api/v1/tasks/" + task, obj("fields", change));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().get("fields").get("Points").asString()).isEqualTo("8.5");
        assertThat(patched.json().get("fields").has("Notes")).isFalse();
        assertThat(patched.json().get("fields").get("Stage").asString()).isEqualTo("Ready");

        // the audit trail and the event carry the change
        JsonNode history = http.get("/api/v1/tasks/" + task + "/history").json();
        String text = history.toString();
        assertThat(text).contains("fields.Points").contains("fields.Notes");
        String payload = jdbc.sql("select payload::text from outbox_events where task_id = :t and type = 'task_updated'"
                        + " order by id desc limit 1")
                .param("t", task)
                .query(String.class)
                .single();
        assertThat(payload).contains("\"Points\": 8.5");

        // a PUT keeps only the fields it sends
        Response put = http.put("/api/v1/tasks/" + task, obj("title", "Typed", "fields", Map.of("Stage", "Idea")));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        List<String> left = new ArrayList<>();
        put.json().get("fields").propertyNames().forEach(left::add);
        assertThat(left).containsExactly("Stage");

        // renaming a field keeps its values; deleting it removes them from the task
        assertThat(http.patch("/api/v1/fields/" + ids.get("Stage"), obj("name", "Phase"))
                        .status())
                .isEqualTo(200);
        assertThat(fx.get(task).get("fields").get("Phase").asString()).isEqualTo("Idea");
        assertThat(http.delete("/api/v1/fields/" + ids.get("Stage")).status()).isEqualTo(204);
        assertThat(fx.get(task).get("fields").isEmpty()).isTrue();
    }

    @Test
    void aValueItsFieldRefusesIsA422NamingTheFieldAndChangesNothing() {
        TaskFixtures fx = boardWithFields("Refusals");
        long task = fx.task(board, "Untouched", "fields", Map.of("Points", 1));
        long version = fx.get(task).get("version").asLong();
        Map<String, Object> bad = Map.of(
                "Points", "many",
                "Due on", "2026-02-30",
                "Stage", "Someday",
                "Labels", List.of("ui", "nope"),
                "Reviewed", "perhaps",
                "Reviewer", "nobody-of-that-name",
                "Spec", "javascript:alert(1)",
                "Notes", "x".repeat(2001),
                "Unknown", "x");
        for (Map.Entry<String, Object> e : bad.entrySet()) {
            Response r = http.patch("/api/v1/tasks/" + task, obj("fields", Map.of(e.getKey(), e.getValue())));
            assertThat(r.status()).as(e.getKey() + ": " + r.body()).isEqualTo(422);
            assertThat(r.header("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("fields." + e.getKey());
            Response created = http.post(
                    "/api/v1/tasks",
                    obj("board_id", board, "title", "never", "fields", Map.of(e.getKey(), e.getValue())));
            assertThat(created.status()).as(created.body()).isEqualTo(422);
        }
        assertThat(fx.get(task).get("version").asLong()).isEqualTo(version);
        assertThat(fx.get(task).get("fields").get("Points").asInt()).isEqualTo(1);
        assertThat(http.get("/api/v1/tasks?board_id=" + board)
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(1);
    }

    /**
     * A position is a place in the board's list of fields: a field sent to 0 comes first and the others
     * move down, instead of tying with the field already at 0 and staying where the id puts it.
     */
    @Test
    void aFieldMovesToThePlaceItsPositionNames() {
        board = new TaskFixtures(http).board("Field order")[0];
        define("First", "text", null, false);
        define("Second", "text", null, false);
        define("Third", "text", null, false);
        Response moved = http.patch("/api/v1/fields/" + ids.get("Second"), obj("position", 0));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.json().get("position").asInt()).isZero();
        assertThat(order()).containsExactly("Second:0", "First:1", "Third:2");

        assertThat(http.patch("/api/v1/fields/" + ids.get("Second"), obj("position", 99))
                        .json()
                        .get("position")
                        .asInt())
                .as("beyond the end is the end")
                .isEqualTo(2);
        assertThat(order()).containsExactly("First:0", "Third:1", "Second:2");

        Response defined =
                http.post("/api/v1/boards/" + board + "/fields", obj("name", "Zeroth", "type", "text", "position", 0));
        assertThat(defined.status()).as(defined.body()).isEqualTo(201);
        assertThat(order()).containsExactly("Zeroth:0", "First:1", "Third:2", "Second:3");
    }

    private List<String> order() {
        List<String> order = new ArrayList<>();
        http.get("/api/v1/boards/" + board + "/fields")
                .json()
                .forEach(f -> order.add(
                        f.get("name").asString() + ":" + f.get("position").asInt()));
        return order;
    }

    /**
     * Deleting a field takes its values off the tasks with a history row each (fields.<name>, the value,
     * then nothing), so the loss is in every task's trail; nothing of it stays stored to surface later.
     */
    @Test
    void deletingAFieldRecordsTheLossOfEachValue() {
        TaskFixtures fx = boardWithFields("Field deleted");
        long labelled = fx.task(board, "Labelled", "fields", Map.of("Labels", List.of("docs"), "Points", 2));
        long plain = fx.task(board, "Plain", "fields", Map.of("Points", 1));
        long before =
                http.get("/api/v1/tasks/" + labelled).json().get("version").asLong();

        assertThat(http.delete("/api/v1/fields/" + ids.get("Labels")).status()).isEqualTo(204);

        JsonNode task = http.get("/api/v1/tasks/" + labelled).json();
        assertThat(task.get("fields").has("Labels")).isFalse();
        assertThat(task.get("version").asLong()).isGreaterThan(before);
        JsonNode last = lastHistoryRow(labelled);
        assertThat(last.get("field").asString()).isEqualTo("fields.Labels");
        assertThat(last.get("old_value").asString()).contains("docs");
        assertThat(last.get("new_value").isNull()).isTrue();
        assertThat(lastHistoryRow(plain).get("field").asString())
                .as("a task without a value of it has nothing to record")
                .isNotEqualTo("fields.Labels");
        assertThat(jdbc.sql("select count(*) from tasks where board_id = :b and jsonb_exists(custom_fields, :k)")
                        .param("b", board)
                        .param("k", Long.toString(ids.get("Labels")))
                        .query(Long.class)
                        .single())
                .as("no value of the deleted field is kept")
                .isZero();
    }

    private JsonNode lastHistoryRow(long task) {
        JsonNode items =
                http.get("/api/v1/tasks/" + task + "/history?limit=500").json().get("items");
        return items.get(items.size() - 1);
    }

    @Test
    void definitionsFollowTheirRules() {
        board = new TaskFixtures(http).board("Definitions")[0];
        define("Size", "number", null, false);
        assertThat(http.post("/api/v1/boards/" + board + "/fields", obj("name", "size", "type", "text"))
                        .status())
                .as("names are unique per board in any case")
                .isEqualTo(409);
        assertThat(http.post("/api/v1/boards/" + board + "/fields", obj("name", "Kind", "type", "single_select"))
                        .status())
                .as("a select needs options")
                .isEqualTo(422);
        assertThat(http.post("/api/v1/boards/" + board + "/fields", obj("name", "Kind", "type", "colour"))
                        .status())
                .isIn(400, 422);
        Response typeChange = http.patch("/api/v1/fields/" + ids.get("Size"), obj("type", "text"));
        assertThat(typeChange.status()).isEqualTo(422);
        assertThat(typeChange.json().get("errors").get(0).get("field").asString())
                .isEqualTo("type");

        Http viewer = clientFor("fields-viewer", defaultWorkspace, Role.VIEWER);
        assertThat(viewer.get("/api/v1/boards/" + board + "/fields").status()).isEqualTo(200);
        assertThat(viewer.post("/api/v1/boards/" + board + "/fields", obj("name", "Mine", "type", "text"))
                        .status())
                .isEqualTo(403);
        Http agent = clientFor("fields-agent", defaultWorkspace, Role.AGENT);
        long task = new TaskFixtures(agent).task(board, "Agents set values", "fields", Map.of("Size", 3));
        assertThat(agent.get("/api/v1/tasks/" + task)
                        .json()
                        .get("fields")
                        .get("Size")
                        .asInt())
                .isEqualTo(3);

        long other = otherWorkspace("fields-elsewhere");
        Http stranger = clientFor("fields-stranger", other, Role.ADMIN);
        assertThat(stranger.get("/api/v1/boards/" + board + "/fields").status()).isEqualTo(404);
        assertThat(stranger.patch("/api/v1/fields/" + ids.get("Size"), obj("name", "Mine"))
                        .status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/boards/" + board + "/fields")
                        .json()
                        .get(0)
                        .get("name")
                        .asString())
                .isEqualTo("Size");
    }

    @Test
    void listsFilterAndSortByCustomFields() {
        TaskFixtures fx = boardWithFields("Filters");
        long small = fx.task(board, "small", "fields", Map.of("Points", 1, "Stage", "Idea", "Due on", "2026-01-10"));
        long large = fx.task(
                board,
                "large",
                "fields",
                Map.of(
                        "Points",
                        13,
                        "Stage",
                        "Ready",
                        "Labels",
                        List.of("api"),
                        "Reviewed",
                        true,
                        "Due on",
                        "2026-03-01"));
        long medium = fx.task(board, "medium", "fields", Map.of("Points", 5, "Labels", List.of("api", "docs")));
        long none = fx.task(board, "none");

        assertThat(titles("cf.Points=gt:3")).containsExactlyInAnyOrder("large", "medium");
        assertThat(titles("cf.points=5")).containsExactly("medium");
        assertThat(titles("cf.Points=lte:5")).containsExactlyInAnyOrder("small", "medium");
        assertThat(titles("cf.Stage=ready")).containsExactly("large");
        assertThat(titles("cf.Labels=api")).containsExactlyInAnyOrder("large", "medium");
        assertThat(titles("cf.Labels=api&cf.Points=lt:10")).containsExactly("medium");
        assertThat(titles("cf.Reviewed=true")).containsExactly("large");
        assertThat(titles("cf.Reviewed=false")).containsExactlyInAnyOrder("small", "medium", "none");
        assertThat(titles("cf." + enc("Due on") + "=lt:2026-02-01")).containsExactly("small");
        assertThat(titles("cf.Points=is:empty")).containsExactly("none");
        assertThat(titles("cf.Points=is:set&sort=-cf.Points")).containsExactly("large", "medium", "small");
        assertThat(titles("sort=cf.Points")).containsExactly("small", "medium", "large", "none");

        for (String bad : List.of("cf.Points=gt:many", "cf.Points=is:maybe", "cf.Points=", "cf.=1")) {
            Response r = http.get("/api/v1/tasks?board_id=" + board + "&" + bad);
            assertThat(r.status()).as(bad + ": " + r.body()).isEqualTo(422);
        }
        assertThat(List.of(small, large, medium, none)).hasSize(4);
    }

    private List<String> titles(String query) {
        Response r = http.get("/api/v1/tasks?board_id=" + board + "&" + query);
        assertThat(r.status()).as(query + ": " + r.body()).isEqualTo(200);
        List<String> titles = new ArrayList<>();
        r.json().get("items").forEach(t -> titles.add(t.get("title").asString()));
        assertThat(r.json().get("total").asLong()).isEqualTo(titles.size());
        return titles;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
