package dev.agentkanban.analytics;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Constructed histories: tasks inserted with SQL whose audit trail is replaced by rows with known
 * timestamps, so the expected figures can be worked out by hand.
 */
public final class History {

    public record Board(long id, long workspace, List<Long> columns) {
        public long col(int i) {
            return columns.get(i);
        }
    }

    private final JdbcClient jdbc;
    private final Http http;

    public History(JdbcClient jdbc, Http http) {
        this.jdbc = jdbc;
        this.http = http;
    }

    /** A board made through the API with columns given as name/kind pairs. */
    public Board board(String name, String... nameKind) {
        List<Map<String, Object>> cols = new java.util.ArrayList<>();
        for (int i = 0; i < nameKind.length; i += 2) {
            cols.add(obj("name", nameKind[i], "kind", nameKind[i + 1]));
        }
        Response r = http.post("/api/v1/boards", obj("name", name, "columns", cols));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        long ws = jdbc.sql("select workspace_id from boards where id = :id")
                .param("id", r.id())
                .query(Long.class)
                .single();
        return new Board(
                r.id(),
                ws,
                r.json().get("columns").findValues("id").stream()
                        .map(JsonNode::asLong)
                        .toList());
    }

    /** A task row in its final state (its own trail is removed: write it with {@link #row}). */
    public long task(Board b, long column, String status, Instant created, Instant completed, String epic) {
        long id = jdbc.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title, status, created_at, completed_at, epic)
                values (:ws, :board, :col, coalesce((select max(position) from tasks where column_id = :col), 0) + 1024,
                        :title, :status, :created, :completed, :epic)
                returning id
                """)
                .param("ws", b.workspace())
                .param("board", b.id())
                .param("col", column)
                .param("title", "task")
                .param("status", status)
                .param("created", created.atOffset(ZoneOffset.UTC))
                .param("completed", completed == null ? null : completed.atOffset(ZoneOffset.UTC))
                .param("epic", epic)
                .query(Long.class)
                .single();
        jdbc.sql("update tasks set title = 'task ' || id where id = :id")
                .param("id", id)
                .update();
        jdbc.sql("delete from task_history where task_id = :id").param("id", id).update();
        return id;
    }

    /** Sets when the task entered its current column (not an audited field: no history row). */
    public void entered(long task, Instant at) {
        jdbc.sql("update tasks set column_entered_at = :at where id = :id")
                .param("at", at.atOffset(ZoneOffset.UTC))
                .param("id", task)
                .update();
    }

    public void created(long task, Board b, long column, Instant at) {
        row(task, b, "created", null, null, "title", column, at);
    }

    public void moved(long task, Board b, long from, long to, Instant at) {
        row(task, b, "moved", "column", Long.toString(from), Long.toString(to), to, at);
    }

    public void status(long task, Board b, String from, String to, long column, Instant at) {
        row(task, b, "status_changed", "status", from, to, column, at);
    }

    public void deleted(long task, Board b, long column, Instant at) {
        row(task, b, "deleted", null, "title", null, column, at);
    }

    /** A restore from the trash into {@code column}. */
    public void restored(long task, Board b, long column, Instant at) {
        row(task, b, "restored", null, "title", null, column, at);
    }

    public void archived(long task, Board b, long column, Instant at) {
        row(task, b, "archived", null, null, null, column, at);
    }

    /**
     * Puts the task row in the trash (or the archive) as it is now, without a trail: write the rows
     * with {@link #deleted} or {@link #archived}.
     */
    public void offBoard(long task, boolean trash) {
        jdbc.sql("update tasks set position = null, " + (trash ? "deleted_at" : "archived_at")
                        + " = now() where id = :id")
                .param("id", task)
                .update();
        jdbc.sql("delete from task_history where task_id = :id")
                .param("id", task)
                .update();
    }

    private void row(long task, Board b, String action, String field, String old, String neu, long column, Instant at) {
        jdbc.sql("""
                insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor, column_id, occurred_at)
                values (:ws, :board, :task, :action, :field, :old, :new, 'tester', :col, :at)
                """)
                .param("ws", b.workspace())
                .param("board", b.id())
                .param("task", task)
                .param("action", action)
                .param("field", field)
                .param("old", old)
                .param("new", neu)
                .param("col", column)
                .param("at", at.atOffset(ZoneOffset.UTC))
                .update();
    }
}
