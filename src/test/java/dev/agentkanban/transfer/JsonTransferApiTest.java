package dev.agentkanban.transfer;

import static dev.agentkanban.support.Http.obj;
import static dev.agentkanban.transfer.TransferFixtures.send;
import static dev.agentkanban.transfer.TransferFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.transfer.CliRuns.Run;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The whole-workspace JSON document: everything in it, export → import → export identical, streaming, refusals. */
class JsonTransferApiTest extends ApiTest {

    static final String JSON = "application/json";
    static final byte[] PHOTO = "\u0089PNG\r\n\u001a\nnot really a picture, but bytes: \u0000\u0001\u00ff"
            .getBytes(StandardCharsets.ISO_8859_1);

    @Autowired
    ApplicationContext context;

    @TempDir
    Path dir;

    long source;
    Http owner;

    @BeforeAll
    void workspaceWithEverything() {
        source = otherWorkspace("json-source");
        owner = clientFor("json-owner", source, Role.ADMIN);
        Http member = clientFor("json-member", source, Role.MEMBER);
        assertThat(owner.post("/api/v1/tags", obj("name", "customer", "color", "#112233"))
                        .status())
                .isEqualTo(201);

        long board = owner.post(
                        "/api/v1/boards",
                        obj(
                                "name",
                                "Product",
                                "description",
                                "the main board",
                                "columns",
                                List.of(
                                        obj("name", "Ideas", "kind", "backlog"),
                                        obj("name", "Ready", "kind", "todo", "wip_limit", 5),
                                        obj("name", "Doing", "kind", "in_progress", "wip_limit", 3),
                                        obj("name", "Review", "kind", "review"),
                                        obj("name", "Shipped", "kind", "done"))))
                .id();
        long rich = owner.post(
                        "/api/v1/tasks",
                        obj(
                                "board_id",
                                board,
                                "column",
                                "Ready",
                                "title",
                                "Rich task, \"quoted\" ✓",
                                "description",
                                "# Heading\nmarkdown",
                                "acceptance_criteria",
                                "- works",
                                "priority",
                                "high",
                                "epic",
                                "Billing",
                                "area",
                                "api",
                                "owner",
                                "agent",
                                "assignee",
                                "Zoë",
                                "due_date",
                                "2026-03-01T09:30:00Z",
                                "occurrence_count",
                                4,
                                "metadata",
                                obj("source", "test", "nested", obj("list", List.of(1, 2, 3))),
                                "tags",
                                List.of("bug", "customer")))
                .id();
        owner.post("/api/v1/tasks/" + rich + "/comments", obj("body", "first comment"));
        member.post("/api/v1/tasks/" + rich + "/comments", obj("body", "second, by a member — 日本語"));
        owner.post(
                "/api/v1/tasks/" + rich + "/evidence",
                obj(
                        "kind",
                        "note",
                        "note",
                        "checked on site",
                        "latitude",
                        24.7136,
                        "longitude",
                        46.6753,
                        "captured_at",
                        "2025-05-01T10:15:00Z"));
        owner.post("/api/v1/tasks/" + rich + "/evidence", obj("kind", "link", "url", "https://example.com/report"));
        owner.post(
                "/api/v1/tasks/" + rich + "/evidence",
                obj("kind", "measurement", "measurement_value", 21.5, "measurement_unit", "°C"));
        assertThat(TransferFixtures.upload(owner, "/api/v1/tasks/" + rich + "/evidence", "leaf.png", "image/png", PHOTO)
                        .status())
                .isEqualTo(201);
        owner.patch("/api/v1/tasks/" + rich, obj("priority", "urgent"));
        long moving = owner.post("/api/v1/tasks", obj("board_id", board, "column", "Ready", "title", "Moves along"))
                .id();
        owner.post("/api/v1/tasks/" + moving + "/move", obj("column", "Doing"));
        owner.post("/api/v1/tasks/" + moving + "/move", obj("column", "Review"));
        long done = owner.post("/api/v1/tasks", obj("board_id", board, "column", "Doing", "title", "Done one"))
                .id();
        owner.post("/api/v1/tasks/" + done + "/complete", obj());
        long claimed = owner.post("/api/v1/tasks", obj("board_id", board, "title", "Claimed idea"))
                .id();
        member.post("/api/v1/tasks/" + claimed + "/claim", obj("lease_seconds", 3600));
        long cancelled = owner.post("/api/v1/tasks", obj("board_id", board, "title", "Dropped"))
                .id();
        owner.post("/api/v1/tasks/" + cancelled + "/cancel", obj("reason", "out of scope"));
        long gone = owner.post("/api/v1/tasks", obj("board_id", board, "title", "Deleted later"))
                .id();
        owner.delete("/api/v1/tasks/" + gone);

        long second = owner.post("/api/v1/boards", obj("name", "Ops")).id();
        long rotate = owner.post("/api/v1/tasks", obj("board_id", second, "title", "Rotate keys", "column", "To Do"))
                .id();
        // the work breakdown (issue 14): relations across boards and a checklist
        assertThat(owner.post("/api/v1/tasks/" + rich + "/relations", obj("kind", "blocked_by", "task_id", moving))
                        .status())
                .isEqualTo(201);
        assertThat(owner.post("/api/v1/tasks/" + rich + "/relations", obj("kind", "child", "task_id", claimed))
                        .status())
                .isEqualTo(201);
        assertThat(owner.post("/api/v1/tasks/" + rotate + "/relations", obj("kind", "relates_to", "task_id", done))
                        .status())
                .isEqualTo(201);
        owner.post("/api/v1/tasks/" + rich + "/checklist", obj("text", "write the migration", "done", true));
        owner.post("/api/v1/tasks/" + rich + "/checklist", obj("text", "update the docs", "assignee", "Zoë"));
        long removed =
                owner.post("/api/v1/boards", obj("name", "Removed board")).id();
        owner.post("/api/v1/tasks", obj("board_id", removed, "title", "Goes with its board"));
        assertThat(owner.delete("/api/v1/boards/" + removed).status()).isEqualTo(204);
    }

    private JsonNode export(Http client) {
        Response r = client.get("/api/v1/export/json");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private Response restore(Http client, String document) {
        return send(client, "POST", "/api/v1/import/json", JSON, document.getBytes(StandardCharsets.UTF_8));
    }

    /** An empty workspace of its own and its admin. */
    private Http emptyWorkspace(String slug) {
        return clientFor(slug + "-admin", otherWorkspace(slug), Role.ADMIN);
    }

    @Test
    void theDocumentHoldsBoardsColumnsTasksTagsCommentsEvidenceAndHistory() {
        JsonNode doc = export(owner);

        assertThat(doc.get("format").asString()).isEqualTo("agent-kanban/workspace");
        assertThat(doc.get("version").asInt()).isEqualTo(1);
        assertThat(doc.get("workspace").get("slug").asString()).isEqualTo("json-source");
        assertThat(doc.get("tags")
                        .valueStream()
                        .map(t -> t.get("name").asString() + t.get("color").asString()))
                .contains("customer#112233", "bug#dc2626");
        assertThat(doc.get("boards").valueStream().map(b -> b.get("name").asString()))
                .containsExactly("Product", "Ops");
        JsonNode product = doc.get("boards").get(0);
        assertThat(product.get("columns")
                        .valueStream()
                        .map(c -> c.get("name").asString() + "/" + c.get("kind").asString() + "/" + c.get("wip_limit")))
                .containsExactly(
                        "Ideas/backlog/null",
                        "Ready/todo/5",
                        "Doing/in_progress/3",
                        "Review/review/null",
                        "Shipped/done/null");
        JsonNode rich = product.get("tasks")
                .valueStream()
                .filter(t -> t.get("title").asString().startsWith("Rich"))
                .findFirst()
                .orElseThrow();
        assertThat(rich.get("priority").asString()).isEqualTo("urgent");
        assertThat(rich.get("metadata").get("nested").get("list").size()).isEqualTo(3);
        assertThat(rich.get("tags").valueStream().map(JsonNode::asString)).containsExactly("bug", "customer");
        assertThat(rich.get("comments")
                        .valueStream()
                        .map(c -> c.get("author").asString() + ": "
                                + c.get("body").asString()))
                .containsExactly("json-owner: first comment", "json-member: second, by a member — 日本語");
        assertThat(rich.get("evidence").size()).isEqualTo(4);
        JsonNode file = rich.get("evidence")
                .valueStream()
                .filter(e -> e.get("kind").asString().equals("file"))
                .findFirst()
                .orElseThrow();
        assertThat(Base64.getDecoder().decode(file.get("content_base64").asString()))
                .isEqualTo(PHOTO);
        assertThat(file.get("size_bytes").asLong()).isEqualTo(PHOTO.length);
        assertThat(rich.get("created_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(doc.get("history").valueStream().map(h -> h.get("action").asString()))
                .contains(
                        "created",
                        "moved",
                        "status_changed",
                        "comment_added",
                        "evidence_added",
                        "tags_changed",
                        "deleted",
                        "claimed");
        assertThat(doc.get("history")
                        .valueStream()
                        .filter(h -> h.get("new_value").asString("").equals("Goes with its board")))
                .hasSize(1);
    }

    @Test
    void exportImportExportGivesTheSameDocumentApartFromIdsAndRegeneratedFields() {
        JsonNode first = export(owner);
        Http target = emptyWorkspace("json-restored");

        Response r = restore(target, first.toString());

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("boards").asInt()).isEqualTo(2);
        assertThat(r.json().get("tasks").asInt())
                .isEqualTo(first.get("boards")
                        .valueStream()
                        .mapToInt(b -> b.get("tasks").size())
                        .sum());
        assertThat(r.json().get("history").asInt())
                .isEqualTo(first.get("history").size());
        JsonNode second = export(target);
        assertThat(comparable(second)).isEqualTo(comparable(first));
        assertThat(second.get("workspace").get("slug").asString()).isEqualTo("json-restored");
        // and once more: the restored workspace exports and restores like the original
        Http third = emptyWorkspace("json-restored-again");
        assertThat(restore(third, second.toString()).status()).isEqualTo(201);
        assertThat(comparable(export(third))).isEqualTo(comparable(first));
    }

    @Test
    void relationsAndChecklistsComeBackBetweenTheSameTasks() {
        JsonNode doc = export(owner);
        assertThat(doc.get("relations")).hasSize(3);
        Http restorer = emptyWorkspace("json-breakdown");
        Response restored = restore(restorer, doc.toString());
        assertThat(restored.status()).as(restored.body()).isEqualTo(201);
        long rich = restorer.get("/api/v1/tasks?q=Rich")
                .json()
                .get("items")
                .get(0)
                .get("id")
                .asLong();
        JsonNode task = restorer.get("/api/v1/tasks/" + rich).json();
        assertThat(task.get("blocked").asBoolean()).isTrue();
        assertThat(task.get("blockers").get(0).get("title").asString()).isEqualTo("Moves along");
        assertThat(task.get("subtasks").get("total").asLong()).isEqualTo(1);
        assertThat(task.get("checklist").get("done").asLong()).isEqualTo(1);
        JsonNode relations =
                restorer.get("/api/v1/tasks/" + rich + "/relations").json().get("items");
        assertThat(relations
                        .valueStream()
                        .map(r -> r.get("kind").asString() + " "
                                + r.get("task").get("title").asString()))
                .containsExactlyInAnyOrder("blocked_by Moves along", "child Claimed idea");
        JsonNode checklist =
                restorer.get("/api/v1/tasks/" + rich + "/checklist").json().get("items");
        assertThat(checklist
                        .valueStream()
                        .map(i -> i.get("text").asString() + " " + i.get("done").asBoolean() + " "
                                + (i.get("assignee").isNull()
                                        ? "-"
                                        : i.get("assignee").asString())))
                .containsExactly("write the migration true -", "update the docs false Zoë");
        long rotate = restorer.get("/api/v1/tasks?q=Rotate")
                .json()
                .get("items")
                .get(0)
                .get("id")
                .asLong();
        assertThat(restorer.get("/api/v1/tasks/" + rotate + "/relations")
                        .json()
                        .get("items")
                        .get(0)
                        .get("task")
                        .get("title")
                        .asString())
                .isEqualTo("Done one");
    }

    @Test
    void aDocumentWithACycleOrATooDeepTreeRestoresNothing() {
        String good = export(owner).toString();
        List<Long> ids = Http.JSON
                .readTree(good)
                .get("boards")
                .valueStream()
                .flatMap(board -> board.get("tasks").valueStream())
                .map(t -> t.get("id").asLong())
                .toList();
        assertThat(ids).hasSizeGreaterThanOrEqualTo(6);
        Http target = emptyWorkspace("json-relation-rules");
        Map<String, Long> before = snapshot(jdbc);

        // a blocks b blocks c blocks a
        Response cycle = restore(
                target,
                withRelations(
                        good,
                        List.of(
                                List.of("blocks", ids.get(0), ids.get(1)),
                                List.of("blocks", ids.get(1), ids.get(2)),
                                List.of("blocks", ids.get(2), ids.get(0)))));
        assertThat(cycle.status()).as(cycle.body()).isEqualTo(422);
        assertThat(cycle.body())
                .contains("blocks from task " + ids.get(2) + " to task " + ids.get(0))
                .contains("closes the cycle #" + ids.get(2) + " > #" + ids.get(0) + " > #" + ids.get(1) + " > #"
                        + ids.get(2));
        // a task its own ancestor
        Response ancestor = restore(
                target,
                withRelations(
                        good,
                        List.of(List.of("parent", ids.get(0), ids.get(1)), List.of("parent", ids.get(1), ids.get(0)))));
        assertThat(ancestor.status()).as(ancestor.body()).isEqualTo(422);
        assertThat(ancestor.body()).contains("closes the cycle");
        // six levels of subtasks
        List<List<Object>> chain = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            chain.add(List.of("parent", ids.get(i), ids.get(i + 1)));
        }
        Response deep = restore(target, withRelations(good, chain));
        assertThat(deep.status()).as(deep.body()).isEqualTo(422);
        assertThat(deep.body()).contains("more than 5 levels deep");
        // two parents of one task
        Response twoParents = restore(
                target,
                withRelations(
                        good,
                        List.of(List.of("parent", ids.get(0), ids.get(2)), List.of("parent", ids.get(1), ids.get(2)))));
        assertThat(twoParents.status()).as(twoParents.body()).isEqualTo(422);
        assertThat(twoParents.body()).contains("a second parent");
        assertThat(snapshot(jdbc)).isEqualTo(before);

        // five levels are allowed
        Response fine = restore(target, withRelations(good, chain.subList(0, 4)));
        assertThat(fine.status()).as(fine.body()).isEqualTo(201);
    }

    /** The document with its relations replaced by {@code [kind, from_task_id, to_task_id]} triples. */
    private static String withRelations(String document, List<List<Object>> relations) {
        ObjectNode doc = (ObjectNode) Http.JSON.readTree(document);
        ArrayNode list = doc.putArray("relations");
        for (List<Object> r : relations) {
            list.addObject()
                    .put("kind", (String) r.get(0))
                    .put("from_task_id", (Long) r.get(1))
                    .put("to_task_id", (Long) r.get(2));
        }
        return doc.toString();
    }

    @Test
    void aRestoredWorkspaceWorksAndIsAnnouncedPerBoard() {
        Http target = emptyWorkspace("json-working");
        long ws = jdbc.sql("select id from workspaces where slug = 'json-working'")
                .query(Long.class)
                .single();
        restore(target, export(owner).toString());

        JsonNode boards = target.get("/api/v1/boards").json().get("items");
        long product = boards.get(0).get("id").asLong();
        JsonNode state = target.get("/api/v1/boards/" + product + "/tasks").json();
        assertThat(state.toString()).contains("Rich task");
        long rich = jdbc.sql("select id from tasks where workspace_id = :ws and title like 'Rich%'")
                .param("ws", ws)
                .query(Long.class)
                .single();
        Response file = target.get("/api/v1/tasks/" + rich + "/evidence");
        long fileId = file.json()
                .get("items")
                .valueStream()
                .filter(e -> e.get("kind").asString().equals("file"))
                .findFirst()
                .orElseThrow()
                .get("id")
                .asLong();
        assertThat(target.get("/api/v1/evidence/" + fileId + "/content").bytes())
                .isEqualTo(PHOTO);
        assertThat(target.post("/api/v1/tasks/" + rich + "/comments", obj("body", "after the restore"))
                        .status())
                .isEqualTo(201);
        assertThat(target.post("/api/v1/tasks", obj("board_id", product, "title", "new after restore"))
                        .status())
                .isEqualTo(201);
        assertThat(jdbc.sql("select type from outbox_events where workspace_id = :ws and payload->>'import' = 'json'")
                        .param("ws", ws)
                        .query(String.class)
                        .list())
                .containsExactly("bulk_update", "bulk_update");
        assertThat(jdbc.sql("select count(*) from outbox_events where workspace_id = :ws and type = 'board_created'")
                        .param("ws", ws)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void aDocumentSentWithoutATypeIsRestored() {
        Http target = emptyWorkspace("json-untyped");
        Response r = send(
                target,
                "POST",
                "/api/v1/import/json",
                null,
                export(owner).toString().getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(target.get("/api/v1/boards").json().get("total").asInt()).isPositive();
    }

    @Test
    void aWorkspaceWithBoardsIsNotRestoredInto() {
        Map<String, Long> before = snapshot(jdbc);

        Response r = restore(owner, export(owner).toString());

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("type").asString()).endsWith("workspace-not-empty");
        // a body that is not a workspace document is refused as such, whatever the workspace holds
        assertThat(restore(owner, "not json").status()).isEqualTo(400);
        assertThat(restore(owner, "").status()).isEqualTo(400);
        assertThat(restore(owner, " \n").status()).isEqualTo(400);
        assertThat(restore(owner, "{\"format\": \"agent-kanban/workspace\", \"version\": 1,")
                        .status())
                .isEqualTo(400);
        assertThat(restore(owner, "[1, 2]").status()).isEqualTo(422);
        assertThat(restore(owner, "{\"format\": \"something-else\", \"boards\": []}")
                        .status())
                .isEqualTo(422);
        assertThat(restore(owner, "{\"boards\": []}").status()).isEqualTo(422);
        assertThat(restore(owner, "{\"format\": \"agent-kanban/workspace\", \"version\": 1}")
                        .status())
                .isEqualTo(409);
        assertThat(snapshot(jdbc)).isEqualTo(before);
    }

    @Test
    void brokenOrForeignDocumentsRestoreNothing() {
        String good = export(owner).toString();
        Http target = emptyWorkspace("json-refusing");
        Map<String, Long> before = snapshot(jdbc);

        assertThat(restore(target, good.substring(0, good.length() * 2 / 3)).status())
                .isEqualTo(400);
        assertThat(restore(target, "{\"format\": \"something-else\", \"boards\": []}")
                        .status())
                .isEqualTo(422);
        assertThat(restore(target, "{\"boards\": []}").status()).isEqualTo(422);
        ObjectNode badColumn = (ObjectNode) Http.JSON.readTree(good);
        ((ObjectNode) badColumn.get("boards").get(0).get("tasks").get(0)).put("column_id", 987654321L);
        assertThat(restore(target, badColumn.toString()).status()).isEqualTo(422);
        ObjectNode badHash = (ObjectNode) Http.JSON.readTree(good);
        badHash.get("boards")
                .get(0)
                .get("tasks")
                .valueStream()
                .flatMap(t -> t.get("evidence").valueStream())
                .filter(e -> e.get("kind").asString().equals("file"))
                .forEach(e -> ((ObjectNode) e).put("sha256", "0".repeat(64)));
        assertThat(restore(target, badHash.toString()).status()).isEqualTo(422);
        ObjectNode badStatus = (ObjectNode) Http.JSON.readTree(good);
        ((ObjectNode) badStatus.get("boards").get(1).get("tasks").get(0)).put("status", "sleeping");
        Response refusedByTheDatabase = restore(target, badStatus.toString());
        // the task's rule is the database's (tasks_status_check, kept by the write trigger since V61)
        assertThat(refusedByTheDatabase.status()).isEqualTo(422);
        assertThat(refusedByTheDatabase.json().get("type").asString()).endsWith("/constraint");
        // the check's name says which field it guards: the problem names it
        assertThat(refusedByTheDatabase.json().get("errors").get(0).get("field").asString())
                .isEqualTo("status");
        // valid JSON with a value of another type than its place needs: a 422 saying where, never a 500
        for (Map.Entry<String, Object> wrong : Map.<String, Object>of(
                        "occurrence_count", "many",
                        "title", Map.of("x", 1),
                        "metadata", List.of(1),
                        "position", "first",
                        "tags", List.of(1, Map.of("a", 1)))
                .entrySet()) {
            ObjectNode doc = (ObjectNode) Http.JSON.readTree(good);
            ((ObjectNode) doc.get("boards").get(0).get("tasks").get(0))
                    .set(wrong.getKey(), Http.JSON.valueToTree(wrong.getValue()));
            Response r = restore(target, doc.toString());
            assertThat(r.status()).as(wrong.getKey() + ": " + r.body()).isBetween(400, 499);
        }

        assertThat(snapshot(jdbc)).isEqualTo(before);
        assertThat(restore(
                                clientFor(
                                        "json-agent",
                                        jdbc.sql("select id from workspaces where slug = 'json-refusing'")
                                                .query(Long.class)
                                                .single(),
                                        Role.AGENT),
                                good)
                        .status())
                .isEqualTo(403);
        assertThat(snapshot(jdbc)).isEqualTo(before);
    }

    @Test
    void theCommandsExportToAFileAndRestoreFromIt() throws IOException {
        Path file = dir.resolve("backup.json");
        otherWorkspace("json-cli-target");

        Run exported = CliRuns.inApp(context, "export-json", "--workspace", "json-source", "--output", file.toString());
        Run restored = CliRuns.inApp(context, "import-json", file.toString(), "--workspace", "json-cli-target");
        Run again = CliRuns.inApp(context, "import-json", file.toString(), "--workspace", "json-cli-target");

        assertThat(exported.exit()).as(exported.err()).isZero();
        assertThat(restored.exit()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("Restored 2 boards");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("without boards");
        Http target = clientFor(
                "json-cli-admin",
                jdbc.sql("select id from workspaces where slug = 'json-cli-target'")
                        .query(Long.class)
                        .single(),
                Role.ADMIN);
        assertThat(comparable(export(target))).isEqualTo(comparable(Http.JSON.readTree(Files.readAllBytes(file))));
        Run toStdout = CliRuns.inApp(context, "export-json", "--workspace", "json-cli-target");
        assertThat(comparable(Http.JSON.readTree(toStdout.out()))).isEqualTo(comparable(export(owner)));
    }

    @Test
    void aHundredThousandTaskWorkspaceStreamsOut() throws Exception {
        long ws = otherWorkspace("json-large");
        long board = jdbc.sql("insert into boards (workspace_id, name) values (:ws, 'Large') returning id")
                .param("ws", ws)
                .query(Long.class)
                .single();
        long column = jdbc.sql(
                        "insert into board_columns (workspace_id, board_id, name, position) values (:ws, :b, 'To Do', 0)"
                                + " returning id")
                .param("ws", ws)
                .param("b", board)
                .query(Long.class)
                .single();
        jdbc.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title, description)
                select :ws, :board, :column, g * 1024, 'Task ' || g, repeat('description text ', 10)
                from generate_series(1, 100000) g
                """)
                .param("ws", ws)
                .param("board", board)
                .param("column", column)
                .update();
        User user = identities.provision("json-large-admin", "json-large-password", ws, Role.ADMIN, false);
        String token = identities.issueToken(user.id(), "tests", List.of("read"));

        long started = System.nanoTime();
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/export/json"))
                                .header("Authorization", "Bearer " + token)
                                .timeout(Duration.ofMinutes(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        long tasks = 0;
        long history = 0;
        try (InputStream in = response.body();
                JsonParser p = Http.JSON.createParser(in)) {
            String array = null;
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.PROPERTY_NAME
                        && depth <= 3
                        && (p.currentName().equals("tasks") || p.currentName().equals("history"))) {
                    array = p.currentName();
                }
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                    if (t == JsonToken.START_OBJECT && "tasks".equals(array) && depth == 5) {
                        tasks++;
                    }
                    if (t == JsonToken.START_OBJECT && "history".equals(array) && depth == 3) {
                        history++;
                    }
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        assertThat(tasks).isEqualTo(100_000);
        assertThat(history).isEqualTo(100_000);
        System.out.println("100,000-task workspace exported in " + took.toMillis() + " ms");
    }

    /**
     * The document without what a restore regenerates: ids and references to ids, the export time, the
     * workspace it came from, and each task's version and updated_at.
     */
    static JsonNode comparable(JsonNode document) {
        ObjectNode doc = (ObjectNode) document.deepCopy();
        doc.remove(List.of("exported_at", "workspace"));
        for (JsonNode board : doc.get("boards")) {
            for (JsonNode task : board.get("tasks")) {
                ((ObjectNode) task).remove(List.of("version", "updated_at"));
            }
        }
        return withoutIds(doc);
    }

    private static JsonNode withoutIds(JsonNode node) {
        if (node instanceof ObjectNode o) {
            List<String> ids = o.propertyNames().stream()
                    .filter(n -> n.equals("id") || n.endsWith("_id"))
                    .toList();
            o.remove(ids);
            o.properties().forEach(e -> withoutIds(e.getValue()));
        } else if (node instanceof ArrayNode a) {
            a.forEach(JsonTransferApiTest::withoutIds);
        }
        return node;
    }
}
