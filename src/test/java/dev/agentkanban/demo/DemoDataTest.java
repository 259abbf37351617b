package dev.agentkanban.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Workspaces;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class DemoDataTest extends ApiTest {

    @Autowired
    DemoData demo;

    @Autowired
    Workspaces workspaces;

    @Test
    void seedsAnEmptyDatabaseOnceAndNeverANonEmptyOne() {
        RequestContext system = new RequestContext(workspaces.defaultWorkspaceId(), "system", Role.ADMIN);
        assertThat(CurrentRequest.runAs(system, demo::seedIfEmpty)).isTrue();
        // the demo twice: in the default workspace and in seed 003's tenant_demo
        assertThat(count("boards")).isEqualTo(2);
        assertThat(count("tasks")).isEqualTo(12);
        assertThat(jdbc.sql("select slug from workspaces order by slug")
                        .query(String.class)
                        .list())
                .containsExactly("default", "tenant_demo");
        for (String slug : List.of("default", "tenant_demo")) {
            assertThat(jdbc.sql("""
                            select count(*) from tasks t join workspaces w on w.id = t.workspace_id
                            join boards b on b.id = t.board_id and b.workspace_id = w.id where w.slug = :s
                            """).param("s", slug).query(Long.class).single())
                    .as(slug)
                    .isEqualTo(6);
            assertThat(jdbc.sql("""
                            select g.name from tags g join workspaces w on w.id = g.workspace_id where w.slug = :s
                            order by g.name
                            """).param("s", slug).query(String.class).list())
                    .as(slug)
                    .containsExactly("bug", "documentation", "feature", "infrastructure", "urgent");
        }
        assertThat(jdbc.sql("select distinct status from tasks order by 1")
                        .query(String.class)
                        .list())
                .containsExactly("cancelled", "completed", "in_progress", "pending");
        assertThat(jdbc.sql("select count(distinct priority) from tasks")
                        .query(Long.class)
                        .single())
                .isEqualTo(4);
        assertThat(jdbc.sql("select count(distinct task_id) from task_tags")
                        .query(Long.class)
                        .single())
                .isEqualTo(12);
        assertThat(jdbc.sql("select name from board_columns order by board_id, position")
                        .query(String.class)
                        .list())
                .containsExactly("Backlog", "To Do", "In Progress", "Done", "Backlog", "To Do", "In Progress", "Done");

        assertThat(jdbc.sql("select password_hash like '{bcrypt}%' from users where username = 'demo'")
                        .query(Boolean.class)
                        .single())
                .isTrue();

        // seed 003's request (X-Tenant-Id: tenant_demo) reaches the demo, as its demo user
        long demoUser = jdbc.sql("select id from users where username = 'demo'")
                .query(Long.class)
                .single();
        Http demoClient = http.withToken(identities.issueToken(demoUser, "tests", List.of("read", "write")));
        Response tenantTasks = demoClient.get("/api/v1/tasks", "X-Tenant-Id", "tenant_demo");
        assertThat(tenantTasks.status()).as(tenantTasks.body()).isEqualTo(200);
        assertThat(tenantTasks.json().get("total").asLong()).isEqualTo(6);
        assertThat(tenantTasks.json().get("items").findValuesAsString("title")).contains("Fix login redirect loop");
        assertThat(demoClient.get("/api/v1/tasks").json().get("total").asLong()).isEqualTo(6);

        // idempotent: a second start adds nothing
        assertThat(CurrentRequest.runAs(system, demo::seedIfEmpty)).isFalse();
        assertThat(count("tasks")).isEqualTo(12);
        assertThat(count("boards")).isEqualTo(2);
        assertThat(count("workspaces")).isEqualTo(2);

        // the demo board deleted, the setting still on: the next start adds nothing (and does not fail on
        // the demo account that is still there)
        jdbc.sql("delete from boards").update();
        assertThat(CurrentRequest.runAs(system, demo::seedIfEmpty)).isFalse();
        assertThat(count("boards")).isZero();
        // nor into a database whose only boards are in another workspace
        jdbc.sql("delete from users where username = 'demo'").update();
        jdbc.sql("delete from workspaces where slug = 'tenant_demo'").update();
        jdbc.sql("insert into workspaces (slug, name) values ('demo-elsewhere', 'Elsewhere')")
                .update();
        assertThat(CurrentRequest.runAs(system, demo::seedIfEmpty)).isFalse();
        assertThat(count("boards")).isZero();
    }
}
