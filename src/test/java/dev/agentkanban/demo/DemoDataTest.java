package dev.agentkanban.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Workspaces;
import dev.agentkanban.support.ApiTest;
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
        assertThat(count("boards")).isEqualTo(1);
        assertThat(count("tasks")).isEqualTo(6);
        assertThat(jdbc.sql("select name from tags order by name")
                        .query(String.class)
                        .list())
                .containsExactly("bug", "documentation", "feature", "infrastructure", "urgent");
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
                .isEqualTo(6);
        assertThat(jdbc.sql("select name from board_columns order by position")
                        .query(String.class)
                        .list())
                .containsExactly("Backlog", "To Do", "In Progress", "Done");

        assertThat(jdbc.sql("select password_hash like '{bcrypt}%' from users where username = 'demo'")
                        .query(Boolean.class)
                        .single())
                .isTrue();

        assertThat(CurrentRequest.runAs(system, demo::seedIfEmpty)).isFalse();
        assertThat(count("tasks")).isEqualTo(6);
        assertThat(count("boards")).isEqualTo(1);

        // the demo board deleted, the setting still on: the next start adds nothing (and does not fail on
        // the demo account that is still there)
        jdbc.sql("delete from boards").update();
        assertThat(CurrentRequest.runAs(system, demo::seedIfEmpty)).isFalse();
        assertThat(count("boards")).isZero();
        // nor into a database whose only boards are in another workspace
        jdbc.sql("delete from users where username = 'demo'").update();
        jdbc.sql("insert into workspaces (slug, name) values ('demo-elsewhere', 'Elsewhere')")
                .update();
        assertThat(CurrentRequest.runAs(system, demo::seedIfEmpty)).isFalse();
        assertThat(count("boards")).isZero();
    }
}
