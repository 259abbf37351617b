package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.SqlTasks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * V62: a new task's assignees' bit of {@code view_parts} (64) is set only where an assignee row may exist,
 * so a task created with an assignee that is no member's name (free text) does not run the assignees' part
 * on every read; a member's name still sets it, and the task shows its assignee.
 */
class AssigneesBitTest extends ApiTest {

    private SqlTasks tasks;

    @BeforeAll
    void fixtures() {
        tasks = new SqlTasks(jdbc);
    }

    @Test
    void aNewTaskNamingNoMemberHasNoBitAndOneNamingAMemberHas() {
        long first = tasks.task("First");
        long unknown = insertNamed(first, "agent-7");
        assertThat(bits(unknown) & 64).isZero();
        assertThat(assignees(unknown)).isEmpty();

        long named = insertNamed(first, " " + admin.username().toUpperCase() + " ");
        assertThat(bits(named) & 64).isEqualTo(64);
        assertThat(assignees(named)).hasSize(1);
        assertThat(assignees(named).get(0).asString()).isEqualTo(admin.username());

        // renamed: a member's name sets it; a free text then keeps it ("may have"), the row gone
        http.patch("/api/v1/tasks/" + unknown, obj("assignee", admin.username()));
        assertThat(bits(unknown) & 64).isEqualTo(64);
        assertThat(assignees(unknown)).hasSize(1);
        http.patch("/api/v1/tasks/" + unknown, obj("assignee", "somebody outside"));
        assertThat(bits(unknown) & 64).isEqualTo(64);
        assertThat(assignees(unknown)).isEmpty();
    }

    /** A task next to task NEXT_TO (on its board) whose assignee is NAME, written as an import writes it. */
    private long insertNamed(long nextTo, String name) {
        return jdbc.sql("""
                        insert into tasks (workspace_id, board_id, column_id, position, title, assignee)
                        select workspace_id, board_id, column_id, (select max(position) from tasks where board_id = t.board_id) + 1024,
                               'Named', ? from tasks t where id = ?
                        returning id""").params(name, nextTo).query(Long.class).single();
    }

    private int bits(long task) {
        return jdbc.sql("select view_parts from tasks where id = ?")
                .params(task)
                .query(Integer.class)
                .single();
    }

    private JsonNode assignees(long task) {
        JsonNode alone = http.get("/api/v1/tasks/" + task).json().get("assignees");
        JsonNode listed = null;
        for (JsonNode item : http.get("/api/v1/tasks?board_id=" + tasks.boardOf(task) + "&limit=50")
                .json()
                .get("items")) {
            if (item.get("id").asLong() == task) {
                listed = item.get("assignees");
            }
        }
        assertThat(listed).isEqualTo(alone);
        return alone;
    }
}
