package dev.agentkanban.comment;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.SqlTasks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

class CommentApiTest extends ApiTest {

    @Autowired
    Comments comments;

    SqlTasks tasks;

    @BeforeAll
    void fixtures() {
        tasks = new SqlTasks(jdbc);
    }

    @Test
    void addingACommentMakesTheCallerItsAuthorAndAnswersWithItsLocation() {
        long task = tasks.task("Write docs");
        long events = count("outbox_events");
        long history = count("task_history");

        Response r =
                http.post("/api/v1/tasks/" + task + "/comments", obj("body", "  Looks good  ", "author", "mallory"));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        long id = r.id();
        assertThat(r.header("Location")).hasValue("/api/v1/comments/" + id);
        assertThat(r.json().get("author").asString()).isEqualTo("tester");
        assertThat(r.json().get("body").asString()).isEqualTo("Looks good");
        assertThat(r.json().get("task_id").asLong()).isEqualTo(task);
        assertThat(count("outbox_events")).isEqualTo(events + 1);
        assertThat(count("task_history")).isEqualTo(history + 1);
        JsonNode event = lastEvent("comment_added");
        assertThat(event.get("board_id").asLong()).isEqualTo(tasks.boardOf(task));
        assertThat(event.get("task_id").asLong()).isEqualTo(task);
        assertThat(event.get("payload").get("body").asString()).isEqualTo("Looks good");
        assertThat(lastHistory(task)).isEqualTo("comment_added|null|" + id + "|tester");
    }

    /**
     * A comment is a new version of its task (its comment count): the added and deleted events carry
     * that version, so a client keeping the task's version for If-Match (the web board) is not refused
     * with a false 412 on its next edit.
     */
    @Test
    void commentEventsCarryTheTasksNewVersion() {
        long task = tasks.task("Versions");
        long before = http.get("/api/v1/tasks/" + task).json().get("version").asLong();

        long id = http.post("/api/v1/tasks/" + task + "/comments", obj("body", "hello"))
                .id();
        long afterAdd = http.get("/api/v1/tasks/" + task).json().get("version").asLong();
        JsonNode added = lastEvent("comment_added").get("payload");
        http.delete("/api/v1/comments/" + id);
        long afterDelete =
                http.get("/api/v1/tasks/" + task).json().get("version").asLong();
        JsonNode deleted = lastEvent("comment_deleted").get("payload");

        assertThat(afterAdd).isGreaterThan(before);
        assertThat(added.get("task_version").asLong()).isEqualTo(afterAdd);
        assertThat(added.get("body").asString()).isEqualTo("hello");
        assertThat(added.get("id").asLong()).isEqualTo(id);
        assertThat(afterDelete).isGreaterThan(afterAdd);
        assertThat(deleted.get("task_version").asLong()).isEqualTo(afterDelete);
        assertThat(deleted.get("id").asLong()).isEqualTo(id);
    }

    @Test
    void aCommentCarriesItsAuthorsDisplayNameAsItIsNowBesideTheUsername() {
        long task = tasks.task("Names");
        jdbc.sql("update users set display_name = 'Theo Tester' where username = 'tester'")
                .update();
        Response added = http.post("/api/v1/tasks/" + task + "/comments", obj("body", "by name"));
        assertThat(added.json().get("author").asString()).isEqualTo("tester");
        assertThat(added.json().get("author_display_name").asString()).isEqualTo("Theo Tester");
        assertThat(lastEvent("comment_added")
                        .get("payload")
                        .get("author_display_name")
                        .asString())
                .isEqualTo("Theo Tester");
        // an imported author with no account keeps their name; a renamed author shows the new name
        jdbc.sql("insert into comments (workspace_id, task_id, author, body) values (:ws, :task, 'ghost', 'old')")
                .param("ws", defaultWorkspace)
                .param("task", task)
                .update();
        jdbc.sql("update users set display_name = 'Theodora' where username = 'tester'")
                .update();

        JsonNode items = http.get("/api/v1/tasks/" + task + "/comments").json().get("items");

        assertThat(items.findValuesAsString("author")).containsExactly("tester", "ghost");
        assertThat(items.findValuesAsString("author_display_name")).containsExactly("Theodora", "ghost");
        assertThat(http.get("/api/v1/comments/" + added.id())
                        .json()
                        .get("author_display_name")
                        .asString())
                .isEqualTo("Theodora");
        assertThat(http.patch("/api/v1/comments/" + added.id(), obj("body", "edited"))
                        .json()
                        .get("author_display_name")
                        .asString())
                .isEqualTo("Theodora");
    }

    @Test
    void commentsAreListedOldestFirstInPages() {
        long task = tasks.task("Discuss");
        for (String body : new String[] {"first", "second", "third"}) {
            assertThat(http.post("/api/v1/tasks/" + task + "/comments", obj("body", body))
                            .status())
                    .isEqualTo(201);
        }

        Response page1 = http.get("/api/v1/tasks/" + task + "/comments?limit=2");
        Response page2 = http.get("/api/v1/tasks/" + task + "/comments?limit=2&offset=2");

        assertThat(page1.status()).isEqualTo(200);
        assertThat(page1.json().get("items").findValuesAsString("body")).containsExactly("first", "second");
        assertThat(page1.json().get("total").asLong()).isEqualTo(3);
        assertThat(page1.json().get("limit").asInt()).isEqualTo(2);
        assertThat(page2.json().get("items").findValuesAsString("body")).containsExactly("third");
        assertThat(page2.json().get("offset").asLong()).isEqualTo(2);
        assertThat(http.get("/api/v1/tasks/" + task + "/comments?limit=0").status())
                .isEqualTo(422);
    }

    @Test
    void aCommentIsReadById() {
        long task = tasks.task("Read me");
        long id = http.post("/api/v1/tasks/" + task + "/comments", obj("body", "hello"))
                .id();

        Response r = http.get("/api/v1/comments/" + id);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("body").asString()).isEqualTo("hello");
        assertThat(r.json().has("created_at")).isTrue();
        assertThat(http.get("/api/v1/comments/999999").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/comments/abc").status()).isEqualTo(404);
    }

    @Test
    void editingACommentReplacesItsBodyAndIsAnnounced() {
        long task = tasks.task("Edit");
        long id = http.post("/api/v1/tasks/" + task + "/comments", obj("body", "draft"))
                .id();
        long events = count("outbox_events");
        long history = count("task_history");

        Response r = http.patch("/api/v1/comments/" + id, obj("body", "final"));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("body").asString()).isEqualTo("final");
        assertThat(http.get("/api/v1/comments/" + id).json().get("body").asString())
                .isEqualTo("final");
        assertThat(count("outbox_events")).isEqualTo(events + 1);
        assertThat(count("task_history")).isEqualTo(history + 1);
        assertThat(lastEvent("comment_updated").get("payload").get("body").asString())
                .isEqualTo("final");
        // the audit trail keeps the text it replaced, as a field change keeps its old value
        assertThat(lastHistory(task)).isEqualTo("comment_updated|comments." + id + ".body|final|tester");
        assertThat(lastOldValue(task)).isEqualTo("draft");
        JsonNode items = http.get("/api/v1/tasks/" + task + "/history").json().get("items");
        JsonNode row = items.get(items.size() - 1);
        assertThat(row.get("action").asString()).isEqualTo("comment_updated");
        assertThat(row.get("old_value").asString()).isEqualTo("draft");
        assertThat(row.get("new_value").asString()).isEqualTo("final");
    }

    @Test
    void aCommentIsEditedWithPutAsWithPatch() {
        long task = tasks.task("Edit with PUT");
        long id = http.post("/api/v1/tasks/" + task + "/comments", obj("body", "draft"))
                .id();

        Response r = http.put("/api/v1/comments/" + id, obj("text", "final"));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(http.get("/api/v1/comments/" + id).json().get("body").asString())
                .isEqualTo("final");
        assertThat(lastHistory(task)).isEqualTo("comment_updated|comments." + id + ".body|final|tester");
        assertThat(lastOldValue(task)).isEqualTo("draft");
        assertThat(http.put("/api/v1/comments/" + id, obj("body", "")).status()).isEqualTo(422);
    }

    @Test
    void deletingACommentRemovesItAndIsAnnounced() {
        long task = tasks.task("Delete");
        long id = http.post("/api/v1/tasks/" + task + "/comments", obj("body", "oops"))
                .id();
        long events = count("outbox_events");
        long history = count("task_history");

        assertThat(http.delete("/api/v1/comments/" + id).status()).isEqualTo(204);

        assertThat(http.get("/api/v1/comments/" + id).status()).isEqualTo(404);
        assertThat(count("outbox_events")).isEqualTo(events + 1);
        assertThat(count("task_history")).isEqualTo(history + 1);
        JsonNode payload = lastEvent("comment_deleted").get("payload");
        assertThat(payload.get("id").asLong()).isEqualTo(id);
        assertThat(payload.get("task_id").asLong()).isEqualTo(task);
        // the deleted text stays in the audit trail
        assertThat(lastHistory(task)).isEqualTo("comment_deleted|comments." + id + ".body|tester");
        assertThat(lastOldValue(task)).isEqualTo("oops");
        assertThat(http.delete("/api/v1/comments/" + id).status()).isEqualTo(404);
    }

    @Test
    void aBlankMissingOrOversizedBodyIsRefusedAndNothingIsWritten() {
        long task = tasks.task("Validate");
        long id = http.post("/api/v1/tasks/" + task + "/comments", obj("body", "keep"))
                .id();
        long comments = count("comments");
        long events = count("outbox_events");
        long history = count("task_history");
        String path = "/api/v1/tasks/" + task + "/comments";

        Response blank = http.post(path, obj("body", " \n\t "));
        assertThat(blank.status()).isEqualTo(422);
        assertThat(blank.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(blank.json().get("errors").get(0).get("field").asString()).isEqualTo("body");
        assertThat(http.post(path, obj()).status()).isEqualTo(422);
        assertThat(http.post(path, obj("body", "x".repeat(20001))).status()).isEqualTo(422);
        assertThat(http.post(path, "{\"body\": ").status()).isEqualTo(400);
        assertThat(http.patch("/api/v1/comments/" + id, obj("body", "")).status())
                .isEqualTo(422);

        assertThat(count("comments")).isEqualTo(comments);
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(count("task_history")).isEqualTo(history);
        assertThat(http.get("/api/v1/comments/" + id).json().get("body").asString())
                .isEqualTo("keep");
        assertThat(http.post(path, obj("body", "x".repeat(20000))).status()).isEqualTo(201);
    }

    /**
     * The limit counts characters as people (and the database's check) do: an emoji is one character,
     * though Java spends two chars on it. 20,000 of them fit; one more is a 422 on {@code body}.
     */
    @Test
    void theBodyLimitCountsCharactersNotUtf16Units() {
        long task = tasks.task("Emoji");
        String path = "/api/v1/tasks/" + task + "/comments";
        String bug = "\uD83D\uDC1B";

        Response full = http.post(path, obj("body", bug.repeat(20000)));
        assertThat(full.status()).as(full.body()).isEqualTo(201);
        assertThat(full.json().get("body").asString()).isEqualTo(bug.repeat(20000));
        Response edited = http.patch("/api/v1/comments/" + full.id(), obj("body", "a" + bug.repeat(19999)));
        assertThat(edited.status()).as(edited.body()).isEqualTo(200);

        long comments = count("comments");
        Response over = http.post(path, obj("body", bug.repeat(20001)));
        assertThat(over.status()).isEqualTo(422);
        assertThat(over.json().get("errors").get(0).get("field").asString()).isEqualTo("body");
        assertThat(count("comments")).isEqualTo(comments);
    }

    @Test
    void anUnknownTaskHasNoComments() {
        assertThat(http.get("/api/v1/tasks/999999/comments").status()).isEqualTo(404);
        Response r = http.post("/api/v1/tasks/999999/comments", obj("body", "anyone?"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("type").asString()).endsWith("/not-found");
    }

    @Test
    void aTaskAndACommentOfAnotherWorkspaceAreInvisible() {
        long otherWs = tasks.otherWorkspace();
        long foreignTask = tasks.task(otherWs, "Secret");
        long foreignComment = jdbc.sql("""
                insert into comments (workspace_id, task_id, author, body) values (:ws, :task, 'eve', 'secret') returning id
                """)
                .param("ws", otherWs)
                .param("task", foreignTask)
                .query(Long.class)
                .single();
        long comments = count("comments");

        assertThat(http.get("/api/v1/tasks/" + foreignTask + "/comments").status())
                .isEqualTo(404);
        assertThat(http.post("/api/v1/tasks/" + foreignTask + "/comments", obj("body", "hi"))
                        .status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/comments/" + foreignComment).status()).isEqualTo(404);
        assertThat(http.patch("/api/v1/comments/" + foreignComment, obj("body", "changed"))
                        .status())
                .isEqualTo(404);
        assertThat(http.delete("/api/v1/comments/" + foreignComment).status()).isEqualTo(404);

        assertThat(count("comments")).isEqualTo(comments);
        assertThat(jdbc.sql("select body from comments where id = :id")
                        .param("id", foreignComment)
                        .query(String.class)
                        .single())
                .isEqualTo("secret");
    }

    @Test
    void onlyTheAuthorOrAnAdminMayChangeAComment() {
        long ws = tasks.defaultWorkspace();
        long task = tasks.task("Owned");
        RequestContext alice = new RequestContext(ws, "alice", Role.MEMBER);
        RequestContext bob = new RequestContext(ws, "someone-else", Role.MEMBER);
        RequestContext admin = new RequestContext(ws, "root", Role.ADMIN);
        Comment mine = CurrentRequest.runAs(alice, () -> comments.add(task, "mine"));
        long events = count("outbox_events");

        assertThatThrownBy(() -> CurrentRequest.runAs(bob, () -> comments.edit(mine.id(), "hijacked")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.FORBIDDEN);
                    assertThat(e.type()).isEqualTo("forbidden");
                });
        assertThatThrownBy(() -> CurrentRequest.runAs(bob, () -> comments.delete(mine.id())))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.FORBIDDEN));
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(http.get("/api/v1/comments/" + mine.id()).json().get("body").asString())
                .isEqualTo("mine");

        assertThat(CurrentRequest.runAs(alice, () -> comments.edit(mine.id(), "still mine"))
                        .body())
                .isEqualTo("still mine");
        assertThat(CurrentRequest.runAs(admin, () -> comments.edit(mine.id(), "moderated"))
                        .author())
                .isEqualTo("alice");
        CurrentRequest.runAs(admin, () -> comments.delete(mine.id()));
        assertThat(http.get("/api/v1/comments/" + mine.id()).status()).isEqualTo(404);
        assertThat(lastHistory(task)).isEqualTo("comment_deleted|comments." + mine.id() + ".body|root");
    }

    private JsonNode lastEvent(String type) {
        String json = jdbc.sql("""
                select json_build_object('board_id', board_id, 'task_id', task_id, 'actor', actor, 'payload', payload)::text
                from outbox_events where type = :type order by id desc limit 1
                """).param("type", type).query(String.class).single();
        return Http.JSON.readTree(json);
    }

    private String lastOldValue(long task) {
        return jdbc.sql("select old_value from task_history where task_id = :task order by id desc limit 1")
                .param("task", task)
                .query(String.class)
                .single();
    }

    private String lastHistory(long task) {
        return jdbc.sql("""
                select concat_ws('|', action, coalesce(field, 'null'), new_value, actor) from task_history
                where task_id = :task order by id desc limit 1
                """).param("task", task).query(String.class).single();
    }
}
