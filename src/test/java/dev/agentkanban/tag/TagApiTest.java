package dev.agentkanban.tag;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.SqlTasks;
import dev.agentkanban.task.TaskFixtures;
import dev.agentkanban.task.TaskRefs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class TagApiTest extends ApiTest {

    @Autowired
    Tags tags;

    @Autowired
    Transactions tx;

    @Autowired
    TaskRefs taskRefs;

    SqlTasks tasks;

    @BeforeAll
    void fixtures() {
        tasks = new SqlTasks(jdbc);
    }

    @Test
    void theWorkspaceStartsWithTheDefaultTagsListedByNameWithTheirTaskCounts() {
        long task = tasks.task("Counted");
        http.post("/api/v1/tasks/" + task + "/tags", obj("tag_id", tagId("bug")));

        Response r = http.get("/api/v1/tags");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().propertyNames()).containsExactlyInAnyOrder("items", "total", "limit", "offset");
        assertThat(r.json().get("total").asInt())
                .isEqualTo(r.json().get("items").size());
        List<String> names = r.json().get("items").findValuesAsString("name");
        assertThat(names).contains("bug", "documentation", "feature", "infrastructure", "urgent");
        assertThat(names).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
        JsonNode bug = find(r.json().get("items"), "bug");
        assertThat(bug.get("color").asString()).isEqualTo("#dc2626");
        assertThat(bug.get("task_count").asLong()).isGreaterThanOrEqualTo(1);
    }

    /**
     * A task in the trash is gone for the user (docs/self-service.md: left out of counts): the tag's
     * count leaves it out, as filtering tasks by the tag does; restored, it counts again.
     */
    @Test
    void aTaskInTheTrashIsNotCountedForItsTags() {
        long tag = http.post("/api/v1/tags", obj("name", "trash-counted")).id();
        long task = tasks.task("Soon in the trash");
        http.post("/api/v1/tasks/" + task + "/tags", obj("tag_id", tag));
        assertThat(http.get("/api/v1/tags/" + tag).json().get("task_count").asLong())
                .isEqualTo(1);

        assertThat(http.delete("/api/v1/tasks/" + task).status()).isEqualTo(204);

        assertThat(http.get("/api/v1/tags/" + tag).json().get("task_count").asLong())
                .isZero();
        assertThat(find(http.get("/api/v1/tags").json().get("items"), "trash-counted")
                        .get("task_count")
                        .asLong())
                .isZero();
        assertThat(http.get("/api/v1/tasks?tag=trash-counted")
                        .json()
                        .get("total")
                        .asLong())
                .isZero();
        assertThat(http.post("/api/v1/tasks/" + task + "/restore", obj()).status())
                .isEqualTo(200);
        assertThat(http.get("/api/v1/tags/" + tag).json().get("task_count").asLong())
                .isEqualTo(1);
    }

    /** A patch that changes nothing is no change: no event tells webhooks and boards of a rename that was none. */
    @Test
    void aTagPatchThatChangesNothingWritesNoEvent() {
        long id = http.post("/api/v1/tags", obj("name", "Same", "color", "#123456"))
                .id();
        long events = count("outbox_events");

        Response same = http.patch("/api/v1/tags/" + id, obj("name", "Same", "color", "#123456"));
        Response empty = http.patch("/api/v1/tags/" + id, obj());

        assertThat(same.status()).as(same.body()).isEqualTo(200);
        assertThat(same.json().get("name").asString()).isEqualTo("Same");
        assertThat(empty.status()).as(empty.body()).isEqualTo(200);
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(http.patch("/api/v1/tags/" + id, obj("name", "same"))
                        .json()
                        .get("name")
                        .asString())
                .isEqualTo("same");
        assertThat(count("outbox_events")).isEqualTo(events + 1);
    }

    @Test
    void creatingATagAnswersWithItsLocationAndTheDefaultColour() {
        long events = count("outbox_events");

        Response r = http.post("/api/v1/tags", obj("name", "  Backend "));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.header("Location")).hasValue("/api/v1/tags/" + r.id());
        assertThat(r.json().get("name").asString()).isEqualTo("Backend");
        assertThat(r.json().get("color").asString()).isEqualTo("#6b7280");
        assertThat(r.json().get("task_count").asLong()).isZero();
        assertThat(count("outbox_events")).isEqualTo(events + 1);
        assertThat(lastEvent("tag_created").get("payload").get("name").asString())
                .isEqualTo("Backend");
        assertThat(http.post("/api/v1/tags", obj("name", "Styled", "color", "#ABCDEF"))
                        .json()
                        .get("color")
                        .asString())
                .isEqualTo("#abcdef");
    }

    @Test
    void aTagNameIsUniqueInTheWorkspaceIgnoringCase() {
        long tags = count("tags");
        long events = count("outbox_events");

        Response r = http.post("/api/v1/tags", obj("name", "BUG"));

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("type").asString()).endsWith("/duplicate");
        long other = http.post("/api/v1/tags", obj("name", "Unique-1")).id();
        assertThat(http.patch("/api/v1/tags/" + other, obj("name", "Feature")).status())
                .isEqualTo(409);
        assertThat(count("tags")).isEqualTo(tags + 1);
        assertThat(count("outbox_events")).isEqualTo(events + 1);
        assertThat(http.get("/api/v1/tags/" + other).json().get("name").asString())
                .isEqualTo("Unique-1");
    }

    @Test
    void invalidTagsAreRefusedAndNothingIsWritten() {
        long tags = count("tags");
        long events = count("outbox_events");

        assertThat(http.post("/api/v1/tags", obj("name", "   ")).status()).isEqualTo(422);
        assertThat(http.post("/api/v1/tags", obj()).status()).isEqualTo(422);
        assertThat(http.post("/api/v1/tags", obj("name", "x".repeat(51))).status())
                .isEqualTo(422);
        Response colour = http.post("/api/v1/tags", obj("name", "Red", "color", "red"));
        assertThat(colour.status()).isEqualTo(422);
        assertThat(colour.json().get("errors").get(0).get("field").asString()).isEqualTo("color");
        assertThat(http.post("/api/v1/tags", obj("name", "Hex", "color", "#12345g"))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/tags", "{\"name\":").status()).isEqualTo(400);
        long id = tagId("urgent");
        assertThat(http.patch("/api/v1/tags/" + id, obj("name", "")).status()).isEqualTo(422);
        assertThat(http.patch("/api/v1/tags/" + id, obj("color", null)).status())
                .isEqualTo(422);

        assertThat(count("tags")).isEqualTo(tags);
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(http.get("/api/v1/tags/" + id).json().get("name").asString()).isEqualTo("urgent");
        assertThat(http.post("/api/v1/tags", obj("name", "x".repeat(50))).status())
                .isEqualTo(201);
    }

    /**
     * Tag names are read back as comma-separated lists (the card panel's tags field, the tags_changed
     * history row), where a comma would make one tag two: every way of naming a new tag refuses one with a
     * 422 on the field that carried it, and writes nothing.
     */
    @Test
    void aTagNameWithACommaIsRefusedWhereverATagIsNamed() {
        long task = tasks.task("Comma tags");
        long tag = http.post("/api/v1/tags", obj("name", "Plain")).id();
        long tagCount = count("tags");
        long events = count("outbox_events");
        long history = count("task_history");

        Response created = http.post("/api/v1/tags", obj("name", "needs, comma"));
        assertThat(created.status()).as(created.body()).isEqualTo(422);
        assertThat(created.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
        assertThat(created.json().get("errors").get(0).get("message").asString())
                .isEqualTo("a tag name must not contain a comma");
        assertThat(http.patch("/api/v1/tags/" + tag, obj("name", "Plain,Other")).status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/tasks/" + task + "/tags", obj("name", "a,b"))
                        .status())
                .isEqualTo(422);
        Response put = http.put("/api/v1/tasks/" + task + "/tags", obj("names", List.of("bug", "x,y")));
        assertThat(put.status()).as(put.body()).isEqualTo(422);
        assertThat(put.json().get("errors").get(0).get("field").asString()).isEqualTo("names");
        Response withTask = http.post(
                "/api/v1/tasks",
                obj("board_id", tasks.boardOf(task), "title", "Tagged at birth", "tags", List.of("one,two")));
        assertThat(withTask.status()).as(withTask.body()).isEqualTo(422);
        assertThat(withTask.json().get("errors").get(0).get("field").asString()).isEqualTo("tags");

        assertThat(count("tags")).isEqualTo(tagCount);
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(count("task_history")).isEqualTo(history);
        assertThat(http.get("/api/v1/tags/" + tag).json().get("name").asString())
                .isEqualTo("Plain");
        assertThat(http.get("/api/v1/tasks/" + task + "/tags").json().findValuesAsString("name"))
                .isEmpty();
    }

    @Test
    void aTagIsReadRenamedRecolouredAndDeleted() {
        long id = http.post("/api/v1/tags", obj("name", "Ops", "color", "#111111"))
                .id();

        assertThat(http.get("/api/v1/tags/" + id).json().get("name").asString()).isEqualTo("Ops");
        Response recoloured = http.patch("/api/v1/tags/" + id, obj("color", "#222222"));
        assertThat(recoloured.status()).isEqualTo(200);
        assertThat(recoloured.json().get("name").asString()).isEqualTo("Ops");
        assertThat(recoloured.json().get("color").asString()).isEqualTo("#222222");
        Response renamed = http.patch("/api/v1/tags/" + id, obj("name", "OPS"));
        assertThat(renamed.json().get("name").asString()).isEqualTo("OPS");
        assertThat(renamed.json().get("color").asString()).isEqualTo("#222222");
        assertThat(lastEvent("tag_updated").get("payload").get("name").asString())
                .isEqualTo("OPS");

        assertThat(http.delete("/api/v1/tags/" + id).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/tags/" + id).status()).isEqualTo(404);
        assertThat(http.patch("/api/v1/tags/" + id, obj("color", "#333333")).status())
                .isEqualTo(404);
        assertThat(http.delete("/api/v1/tags/" + id).status()).isEqualTo(404);
    }

    @Test
    void deletingATagTakesItOffItsTasksWithOneEventAndAHistoryRowPerTask() {
        long tag = http.post("/api/v1/tags", obj("name", "Doomed")).id();
        long task = tasks.task("Tagged");
        http.put("/api/v1/tasks/" + task + "/tags", obj("tag_ids", List.of(tag, tagId("bug"))));
        long events = count("outbox_events");
        long history = count("task_history");

        assertThat(http.delete("/api/v1/tags/" + tag).status()).isEqualTo(204);

        assertThat(http.get("/api/v1/tasks/" + task + "/tags").json().findValuesAsString("name"))
                .containsExactly("bug");
        assertThat(count("outbox_events")).isEqualTo(events + 1);
        assertThat(count("task_history")).isEqualTo(history + 1);
        JsonNode event = lastEvent("tag_deleted");
        assertThat(event.get("board_id").asLong()).isEqualTo(tasks.boardOf(task));
        JsonNode payload = event.get("payload");
        assertThat(payload.get("name").asString()).isEqualTo("Doomed");
        assertThat(payload.get("tasks").get(0).get("id").asLong()).isEqualTo(task);
        assertThat(lastHistory(task)).isEqualTo("tags_changed|tags|bug,Doomed|bug");
    }

    /**
     * A rename changes the tag list every task carrying the tag shows (a new version of each), so each gets
     * its tags_changed row with the names before and after, as a delete writes them; a recolour changes no
     * name and writes none, nor does a task without the tag get one.
     */
    @Test
    void renamingATagWritesAHistoryRowForEachTaskCarryingIt() {
        long tag = http.post("/api/v1/tags", obj("name", "Alpha")).id();
        long both = tasks.task("Alpha and bug");
        long alone = tasks.task("Alpha alone");
        long other = tasks.task("Bug only");
        http.put("/api/v1/tasks/" + both + "/tags", obj("tag_ids", List.of(tag, tagId("bug"))));
        http.put("/api/v1/tasks/" + alone + "/tags", obj("tag_ids", List.of(tag)));
        http.put("/api/v1/tasks/" + other + "/tags", obj("tag_ids", List.of(tagId("bug"))));
        long history = count("task_history");

        assertThat(http.patch("/api/v1/tags/" + tag, obj("name", "Zulu")).status())
                .isEqualTo(200);

        assertThat(count("task_history")).isEqualTo(history + 2);
        assertThat(lastHistory(both)).isEqualTo("tags_changed|tags|Alpha,bug|bug,Zulu");
        assertThat(lastHistory(alone)).isEqualTo("tags_changed|tags|Alpha|Zulu");
        assertThat(lastHistory(other)).isEqualTo("tags_changed|tags||bug");
        JsonNode items = http.get("/api/v1/tasks/" + alone + "/history").json().get("items");
        JsonNode row = items.get(items.size() - 1);
        assertThat(row.get("action").asString()).isEqualTo("tags_changed");
        assertThat(row.get("actor").asString()).isEqualTo("tester");
        assertThat(row.get("new_value").asString()).isEqualTo("Zulu");

        assertThat(http.patch("/api/v1/tags/" + tag, obj("color", "#abcdef")).status())
                .isEqualTo(200);
        assertThat(count("task_history")).isEqualTo(history + 2);
    }

    /** A tag set changed is a new version of the task: tags_changed carries it, for the next If-Match. */
    @Test
    void tagsChangedCarriesTheTasksNewVersion() {
        long task = tasks.task("Tagged version");

        Response r = http.put("/api/v1/tasks/" + task + "/tags", obj("names", List.of("bug", "ux")));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long version = http.get("/api/v1/tasks/" + task).json().get("version").asLong();
        JsonNode payload = lastEvent("tags_changed").get("payload");
        assertThat(payload.get("task_version").asLong()).isEqualTo(version);
        assertThat(payload.get("task_id").asLong()).isEqualTo(task);
        assertThat(payload.get("added").toString()).isEqualTo("[\"bug\",\"ux\"]");
    }

    /**
     * A tag renamed, recoloured or deleted changes what its tasks show (a new version of each, V71): each
     * board that has one of them is told in the same transaction, with one event naming its tasks and
     * their new versions, so that its live subscribers, its replay and its webhooks see the change. A
     * tag on no task is announced to the workspace alone, as before.
     */
    @Test
    void aTagRenamedOrDeletedIsAnnouncedToEachBoardWithItsTasksNewVersions() {
        TaskFixtures fx = new TaskFixtures(http);
        long red = fx.board("Red tags")[0];
        long blue = fx.board("Blue tags")[0];
        long r1 = fx.task(red, "red 1", "tags", List.of("Shared", "bug"));
        long r2 = fx.task(red, "red 2", "tags", List.of("shared"));
        long b1 = fx.task(blue, "blue 1", "tags", List.of("SHARED"));
        fx.task(blue, "blue untagged");
        long tag = tagId("Shared");
        long before = lastEventId();

        assertThat(http.patch("/api/v1/tags/" + tag, obj("name", "Common", "color", "#123456"))
                        .status())
                .isEqualTo(200);

        List<JsonNode> renamed = eventsAfter(before);
        assertThat(renamed).extracting(e -> e.get("type").asString()).containsOnly("tag_updated");
        assertThat(renamed).extracting(e -> e.get("board_id").asLong()).containsExactly(red, blue);
        JsonNode onRed = renamed.get(0).get("payload");
        assertThat(onRed.get("id").asLong()).isEqualTo(tag);
        assertThat(onRed.get("name").asString()).isEqualTo("Common");
        assertThat(onRed.get("color").asString()).isEqualTo("#123456");
        assertThat(onRed.get("previous").get("name").asString()).isEqualTo("Shared");
        assertThat(onRed.get("tasks")).isEqualTo(versions(r1, r2));
        assertThat(renamed.get(1).get("payload").get("tasks")).isEqualTo(versions(b1));
        assertThat(fx.get(r1).get("tags").findValuesAsString("name")).containsExactly("bug", "Common");

        long deleting = lastEventId();
        assertThat(http.delete("/api/v1/tags/" + tag).status()).isEqualTo(204);

        List<JsonNode> deleted = eventsAfter(deleting);
        assertThat(deleted).extracting(e -> e.get("type").asString()).containsOnly("tag_deleted");
        assertThat(deleted).extracting(e -> e.get("board_id").asLong()).containsExactly(red, blue);
        assertThat(deleted.get(0).get("payload").get("id").asLong()).isEqualTo(tag);
        assertThat(deleted.get(0).get("payload").get("tasks")).isEqualTo(versions(r1, r2));
        assertThat(deleted.get(1).get("payload").get("tasks")).isEqualTo(versions(b1));
        assertThat(lastHistory(r1)).isEqualTo("tags_changed|tags|bug,Common|bug");
        assertThat(lastHistory(r2)).isEqualTo("tags_changed|tags|Common|");
        assertThat(lastHistory(b1)).isEqualTo("tags_changed|tags|Common|");

        long lonely = http.post("/api/v1/tags", obj("name", "Lonely")).id();
        long idle = lastEventId();
        http.patch("/api/v1/tags/" + lonely, obj("color", "#654321"));
        List<JsonNode> alone = eventsAfter(idle);
        assertThat(alone).hasSize(1);
        assertThat(alone.getFirst().get("board_id").isNull()).isTrue();
        assertThat(alone.getFirst().get("payload").get("tasks")).isEmpty();
    }

    @Test
    void attachingByIdOrByNameAnswersWithTheTasksTags() {
        long task = tasks.task("Attach");
        long events = count("outbox_events");
        long history = count("task_history");

        Response byId = http.post("/api/v1/tasks/" + task + "/tags", obj("tag_id", tagId("bug")));
        assertThat(byId.status()).as(byId.body()).isEqualTo(200);
        assertThat(byId.json().findValuesAsString("name")).containsExactly("bug");
        assertThat(lastHistory(task)).isEqualTo("tags_changed|tags||bug");

        Response byName = http.post("/api/v1/tasks/" + task + "/tags", obj("name", " Frontend "));
        assertThat(byName.status()).isEqualTo(200);
        assertThat(byName.json().findValuesAsString("name")).containsExactly("bug", "Frontend");
        assertThat(find(byName.json(), "Frontend").get("color").asString()).isEqualTo("#6b7280");
        Response existing = http.post("/api/v1/tasks/" + task + "/tags", obj("name", "URGENT"));
        assertThat(existing.json().findValuesAsString("name")).containsExactly("bug", "Frontend", "urgent");

        assertThat(count("outbox_events")).isEqualTo(events + 3);
        assertThat(count("task_history")).isEqualTo(history + 3);
        JsonNode event = lastEvent("tags_changed");
        assertThat(event.get("board_id").asLong()).isEqualTo(tasks.boardOf(task));
        assertThat(event.get("task_id").asLong()).isEqualTo(task);
        assertThat(event.get("payload").get("task_id").asLong()).isEqualTo(task);
        assertThat(event.get("payload").get("tags").findValuesAsString("name"))
                .containsExactly("bug", "Frontend", "urgent");
        assertThat(lastHistory(task)).isEqualTo("tags_changed|tags|bug,Frontend|bug,Frontend,urgent");
        assertThat(http.get("/api/v1/tasks/" + task + "/tags").json().findValuesAsString("name"))
                .containsExactly("bug", "Frontend", "urgent");
    }

    @Test
    void attachingATagTheTaskAlreadyCarriesChangesNothing() {
        long task = tasks.task("Twice");
        http.post("/api/v1/tasks/" + task + "/tags", obj("tag_id", tagId("feature")));
        long events = count("outbox_events");
        long history = count("task_history");

        Response again = http.post("/api/v1/tasks/" + task + "/tags", obj("tag_id", tagId("feature")));
        Response byName = http.post("/api/v1/tasks/" + task + "/tags", obj("name", "FEATURE"));

        assertThat(again.status()).isEqualTo(200);
        assertThat(byName.status()).isEqualTo(200);
        assertThat(byName.json().findValuesAsString("name")).containsExactly("feature");
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(count("task_history")).isEqualTo(history);
        assertThat(jdbc.sql("select count(*) from task_tags where task_id = :t")
                        .param("t", task)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void detachingATagAnswers204AndDetachingItAgainIs404() {
        long task = tasks.task("Detach");
        http.put("/api/v1/tasks/" + task + "/tags", obj("names", List.of("bug", "urgent")));
        long events = count("outbox_events");
        long history = count("task_history");

        assertThat(http.delete("/api/v1/tasks/" + task + "/tags/" + tagId("bug"))
                        .status())
                .isEqualTo(204);

        assertThat(http.get("/api/v1/tasks/" + task + "/tags").json().findValuesAsString("name"))
                .containsExactly("urgent");
        assertThat(count("outbox_events")).isEqualTo(events + 1);
        assertThat(count("task_history")).isEqualTo(history + 1);
        assertThat(lastHistory(task)).isEqualTo("tags_changed|tags|bug,urgent|urgent");
        assertThat(http.delete("/api/v1/tasks/" + task + "/tags/" + tagId("bug"))
                        .status())
                .isEqualTo(404);
        assertThat(http.delete("/api/v1/tasks/" + task + "/tags/999999").status())
                .isEqualTo(404);
        assertThat(count("outbox_events")).isEqualTo(events + 1);
    }

    @Test
    void puttingTagsSetsExactlyThatSet() {
        long task = tasks.task("Exact");
        long events = count("outbox_events");

        Response byNames =
                http.put("/api/v1/tasks/" + task + "/tags", obj("names", List.of("urgent", "Brand-New", "bug", "BUG")));
        assertThat(byNames.status()).as(byNames.body()).isEqualTo(200);
        assertThat(byNames.json().findValuesAsString("name")).containsExactly("Brand-New", "bug", "urgent");
        assertThat(http.put("/api/v1/tasks/" + task + "/tags", obj("names", List.of("bug", "urgent", "brand-new")))
                        .status())
                .isEqualTo(200);
        assertThat(count("outbox_events")).isEqualTo(events + 1);

        Response byIds = http.put("/api/v1/tasks/" + task + "/tags", obj("tag_ids", List.of(tagId("feature"))));
        assertThat(byIds.json().findValuesAsString("name")).containsExactly("feature");
        assertThat(lastHistory(task)).isEqualTo("tags_changed|tags|Brand-New,bug,urgent|feature");
        Response cleared = http.put("/api/v1/tasks/" + task + "/tags", obj("tag_ids", List.of()));
        assertThat(cleared.json()).isEmpty();
        assertThat(count("outbox_events")).isEqualTo(events + 3);
    }

    @Test
    void invalidTagChangesOfATaskAreRefusedAndChangeNothing() {
        long task = tasks.task("Guarded");
        http.put("/api/v1/tasks/" + task + "/tags", obj("names", List.of("bug")));
        long events = count("outbox_events");
        long tags = count("tags");
        String path = "/api/v1/tasks/" + task + "/tags";

        assertThat(http.post(path, obj()).status()).isEqualTo(422);
        assertThat(http.post(path, obj("tag_id", tagId("bug"), "name", "bug")).status())
                .isEqualTo(422);
        assertThat(http.post(path, obj("tag_id", 999999)).status()).isEqualTo(422);
        assertThat(http.post(path, obj("tag_id", "abc")).status()).isEqualTo(422);
        assertThat(http.post(path, obj("name", " ")).status()).isEqualTo(422);
        assertThat(http.post(path, obj("name", "y".repeat(51))).status()).isEqualTo(422);
        assertThat(http.put(path, obj()).status()).isEqualTo(422);
        assertThat(http.put(path, obj("tag_ids", List.of(), "names", List.of())).status())
                .isEqualTo(422);
        assertThat(http.put(path, obj("tag_ids", List.of(tagId("urgent"), 999999)))
                        .status())
                .isEqualTo(422);
        assertThat(http.put(path, obj("names", List.of("fine", ""))).status()).isEqualTo(422);
        assertThat(http.put(path, "[1,2").status()).isEqualTo(400);

        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(count("tags")).isEqualTo(tags);
        assertThat(http.get(path).json().findValuesAsString("name")).containsExactly("bug");
    }

    @Test
    void anUnknownTaskHasNoTags() {
        String path = "/api/v1/tasks/999999/tags";
        assertThat(http.get(path).status()).isEqualTo(404);
        assertThat(http.post(path, obj("tag_id", tagId("bug"))).status()).isEqualTo(404);
        assertThat(http.put(path, obj("names", List.of("bug"))).status()).isEqualTo(404);
        assertThat(http.delete(path + "/" + tagId("bug")).status()).isEqualTo(404);
    }

    @Test
    void tasksAndTagsOfAnotherWorkspaceAreInvisible() {
        long otherWs = tasks.otherWorkspace();
        long foreignTask = tasks.task(otherWs, "Theirs");
        long foreignBug = jdbc.sql("select id from tags where workspace_id = :ws and name = 'bug'")
                .param("ws", otherWs)
                .query(Long.class)
                .single();
        long mine = tasks.task("Mine");
        long events = count("outbox_events");

        assertThat(http.get("/api/v1/tasks/" + foreignTask + "/tags").status()).isEqualTo(404);
        assertThat(http.post("/api/v1/tasks/" + foreignTask + "/tags", obj("name", "bug"))
                        .status())
                .isEqualTo(404);
        assertThat(http.put("/api/v1/tasks/" + foreignTask + "/tags", obj("names", List.of()))
                        .status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/tags/" + foreignBug).status()).isEqualTo(404);
        assertThat(http.patch("/api/v1/tags/" + foreignBug, obj("name", "mine now"))
                        .status())
                .isEqualTo(404);
        assertThat(http.delete("/api/v1/tags/" + foreignBug).status()).isEqualTo(404);
        assertThat(http.post("/api/v1/tasks/" + mine + "/tags", obj("tag_id", foreignBug))
                        .status())
                .isEqualTo(422);
        assertThat(http.get("/api/v1/tags").json().findValues("id").stream().map(JsonNode::asLong))
                .doesNotContain(foreignBug);

        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(jdbc.sql("select name from tags where id = :id")
                        .param("id", foreignBug)
                        .query(String.class)
                        .single())
                .isEqualTo("bug");
    }

    @Test
    void otherFeaturesReadTagsOfManyTasksInOneCallAndSetThemByNameInTheirTransaction() {
        long ws = tasks.defaultWorkspace();
        long first = tasks.task("First");
        long second = tasks.task("Second");
        RequestContext agent = new RequestContext(ws, "agent-7", Role.AGENT);
        long events = count("outbox_events");

        List<Tag> set = CurrentRequest.runAs(
                agent, () -> tx.write(() -> tags.setByNames(taskRefs.lock(first), List.of("bug", "Agent-Made"))));
        Map<Long, List<Tag>> byTask =
                CurrentRequest.runAs(agent, () -> tx.read(() -> tags.tagsOf(List.of(first, second, 999999L))));

        assertThat(set).extracting(Tag::name).containsExactly("Agent-Made", "bug");
        assertThat(byTask.keySet()).containsExactly(first, second, 999999L);
        assertThat(byTask.get(first)).extracting(Tag::name).containsExactly("Agent-Made", "bug");
        assertThat(byTask.get(second)).isEmpty();
        assertThat(CurrentRequest.runAs(agent, () -> tx.read(() -> tags.tagsOf(first))))
                .isEqualTo(set);
        assertThat(count("outbox_events"))
                .as("the caller's own event carries the tags")
                .isEqualTo(events);
        assertThat(lastHistory(first)).isEqualTo("tags_changed|tags||Agent-Made,bug");
        assertThatThrownBy(
                        () -> CurrentRequest.runAs(agent, () -> tags.setByNames(taskRefs.require(first), List.of("x"))))
                .isInstanceOf(IllegalStateException.class);
    }

    private long tagId(String name) {
        return jdbc.sql(
                        "select id from tags where workspace_id = (select id from workspaces where slug = 'default') and name = :n")
                .param("n", name)
                .query(Long.class)
                .single();
    }

    private static JsonNode find(JsonNode array, String name) {
        for (JsonNode n : array) {
            if (n.get("name").asString().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no " + name + " in " + array);
    }

    /** The tasks as {@code [{id, version}]}, each at the version it has now. */
    private JsonNode versions(long... ids) {
        return Http.JSON.readTree(jdbc.sql("""
                        select jsonb_agg(jsonb_build_object('id', id, 'version', version) order by id)::text
                        from tasks where id = any(:ids)
                        """)
                .param("ids", java.util.Arrays.stream(ids).boxed().toArray(Long[]::new))
                .query(String.class)
                .single());
    }

    private long lastEventId() {
        return jdbc.sql("select coalesce(max(id), 0) from outbox_events")
                .query(Long.class)
                .single();
    }

    /** The tag events after event {@code id} (the tests' background work may append others meanwhile). */
    private List<JsonNode> eventsAfter(long id) {
        return jdbc.sql("""
                        select json_build_object('type', type, 'board_id', board_id, 'task_id', task_id, 'payload', payload)::text
                        from outbox_events where id > :id and type in ('tag_updated', 'tag_deleted') order by id
                        """).param("id", id).query(String.class).list().stream()
                .map(Http.JSON::readTree)
                .toList();
    }

    private JsonNode lastEvent(String type) {
        String json = jdbc.sql("""
                select json_build_object('board_id', board_id, 'task_id', task_id, 'actor', actor, 'payload', payload)::text
                from outbox_events where type = :type order by id desc limit 1
                """).param("type", type).query(String.class).single();
        return Http.JSON.readTree(json);
    }

    private String lastHistory(long task) {
        return jdbc.sql("""
                select concat_ws('|', action, coalesce(field, 'null'), coalesce(old_value, ''), coalesce(new_value, ''))
                from task_history where task_id = :task order by id desc limit 1
                """).param("task", task).query(String.class).single();
    }
}
