package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.platform.Transactions;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Every read and write is scoped to the request's workspace; another workspace's rows do not exist for it. */
class TenancyTest extends ApiTest {

    @Autowired
    Transactions tx;

    Http ann;
    Http bee;
    long workspaceB;
    long boardB;
    long taskB;
    long commentB;

    @BeforeAll
    void twoWorkspaces() {
        ann = clientFor("ann", defaultWorkspace, Role.ADMIN);
        workspaceB = otherWorkspace("team-b");
        bee = clientFor("bee", workspaceB, Role.ADMIN);
        boardB = bee.post("/api/v1/boards", obj("name", "B board")).id();
        taskB = bee.post("/api/v1/tasks", obj("board_id", boardB, "title", "B secret"))
                .id();
        commentB = bee.post("/api/v1/tasks/" + taskB + "/comments", obj("body", "B comment"))
                .id();
        long boardA = ann.post("/api/v1/boards", obj("name", "A board")).id();
        ann.post("/api/v1/tasks", obj("board_id", boardA, "title", "A task"));
    }

    @Test
    void anotherWorkspacesRowsAre404AndStayUnchanged() {
        long version = jdbc.sql("select version from tasks where id = :id")
                .param("id", taskB)
                .query(Long.class)
                .single();
        assertThat(ann.get("/api/v1/tasks/" + taskB).status()).isEqualTo(404);
        assertThat(ann.patch("/api/v1/tasks/" + taskB, obj("title", "hijacked")).status())
                .isEqualTo(404);
        assertThat(ann.post("/api/v1/tasks/" + taskB + "/move", obj("column", "Done"))
                        .status())
                .isEqualTo(404);
        assertThat(ann.delete("/api/v1/tasks/" + taskB).status()).isEqualTo(404);
        assertThat(ann.get("/api/v1/boards/" + boardB).status()).isEqualTo(404);
        assertThat(ann.delete("/api/v1/boards/" + boardB).status()).isEqualTo(404);
        assertThat(ann.get("/api/v1/comments/" + commentB).status()).isEqualTo(404);
        assertThat(ann.get("/api/v1/tasks/" + taskB + "/history").status()).isEqualTo(404);
        assertThat(ann.post("/api/v1/tasks", obj("board_id", boardB, "title", "sneak"))
                        .status())
                .isEqualTo(404);
        assertThat(ann.get("/api/v1/tasks").json().get("items").findValuesAsString("title"))
                .doesNotContain("B secret");
        long columnB = jdbc.sql("select column_id from tasks where id = :id")
                .param("id", taskB)
                .query(Long.class)
                .single();
        Response foreignColumn = ann.get("/api/v1/tasks?column_id=" + columnB);
        assertThat(foreignColumn.json().get("items")).isEmpty();
        assertThat(foreignColumn.json().get("total").asLong()).isZero();
        assertThat(ann.get("/api/v1/tasks?board_id=" + boardB)
                        .json()
                        .get("total")
                        .asLong())
                .isZero();
        assertThat(jdbc.sql("select version from tasks where id = :id")
                        .param("id", taskB)
                        .query(Long.class)
                        .single())
                .isEqualTo(version);
        assertThat(jdbc.sql("select title from tasks where id = :id")
                        .param("id", taskB)
                        .query(String.class)
                        .single())
                .isEqualTo("B secret");
    }

    @Test
    void askingForAWorkspaceOneIsNotAMemberOfIs404AsIfItDidNotExist() {
        Response r = ann.get("/api/v1/boards", "X-Workspace-Id", Long.toString(workspaceB));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("type").asString()).endsWith("not-found");
        assertThat(ann.get("/api/v1/boards", "X-Tenant-Id", "team-b").status()).isEqualTo(404);
        assertThat(ann.get("/api/v1/workspaces/" + workspaceB).status()).isEqualTo(404);
        assertThat(ann.get("/api/v1/workspaces/" + workspaceB + "/members").status())
                .isEqualTo(404);
        assertThat(ann.get("/api/v1/workspaces/" + (workspaceB + 1000)).status())
                .isEqualTo(404);
    }

    @Test
    void theWorkspaceHeaderAndItsTenantAliasSelectTheWorkspace() {
        Response byId = bee.get("/api/v1/boards", "X-Workspace-Id", Long.toString(workspaceB));
        Response bySlug = bee.get("/api/v1/boards", "X-Tenant-Id", "team-b");
        assertThat(byId.json().get("items")).hasSize(1);
        assertThat(byId.json().get("items").get(0).get("name").asString()).isEqualTo("B board");
        assertThat(bySlug.json().get("items").get(0).get("id").asLong()).isEqualTo(boardB);
    }

    @Test
    void bothWorkspaceHeadersNamingDifferentWorkspacesAreRefusedAndNothingIsWritten() {
        Http both = clientFor("both-headers", defaultWorkspace, Role.ADMIN);
        jdbc.sql("insert into memberships (workspace_id, user_id, role) select :ws, id, 'admin' from users"
                        + " where username = 'both-headers'")
                .param("ws", workspaceB)
                .update();
        long boards = count("boards");
        Response conflicting = both.post(
                "/api/v1/boards", obj("name", "Where?"), "X-Workspace-Id", "default", "X-Tenant-Id", "team-b");
        assertThat(conflicting.status()).as(conflicting.body()).isEqualTo(400);
        assertThat(conflicting.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(count("boards")).isEqualTo(boards);
        // the same workspace by id and by slug is one workspace
        Response same =
                both.get("/api/v1/boards", "X-Workspace-Id", Long.toString(workspaceB), "X-Tenant-Id", "team-b");
        assertThat(same.status()).as(same.body()).isEqualTo(200);
        assertThat(same.json().get("items").findValuesAsString("name")).contains("B board");
        // one of them not the caller's: 404, as alone
        assertThat(ann.get("/api/v1/boards", "X-Workspace-Id", "default", "X-Tenant-Id", "team-b")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void rowLevelSecurityHoldsEvenForAQueryThatForgetsItsWorkspaceFilter() {
        RequestContext a = new RequestContext(defaultWorkspace, "ann", Role.ADMIN);
        long all = count("tasks");
        long visible = CurrentRequest.runAs(
                a,
                () -> tx.read(() ->
                        jdbc.sql("select count(*) from tasks").query(Long.class).single()));
        long titlesOfB = CurrentRequest.runAs(
                a,
                () -> tx.read(() -> jdbc.sql("select count(*) from tasks where title = 'B secret'")
                        .query(Long.class)
                        .single()));
        assertThat(all).isGreaterThan(visible);
        assertThat(titlesOfB).isZero();
        long ownCount = jdbc.sql("select count(*) from tasks where workspace_id = :ws")
                .param("ws", defaultWorkspace)
                .query(Long.class)
                .single();
        assertThat(visible).isEqualTo(ownCount);
        long updated = CurrentRequest.runAs(
                a,
                () -> tx.write(() -> (long)
                        jdbc.sql("update tasks set title = 'overwritten'").update()));
        assertThat(updated).isEqualTo(ownCount);
        assertThat(jdbc.sql("select title from tasks where id = :id")
                        .param("id", taskB)
                        .query(String.class)
                        .single())
                .isEqualTo("B secret");
    }
}
