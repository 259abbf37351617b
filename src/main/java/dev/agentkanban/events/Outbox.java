package dev.agentkanban.events;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.platform.Transactions;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends change events to the durable outbox, inside the caller's transaction: the event exists if
 * and only if the change committed. Live updates, the change feed, webhooks and the worker read it.
 */
@Component
public class Outbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    Outbox(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Records that something happened; {@code payload} carries the new state (event-carried state). */
    public void append(EventType type, Long boardId, Long taskId, Object payload) {
        Transactions.requireActive("outbox events must be appended inside the change's transaction");
        RequestContext ctx = CurrentRequest.get();
        String body = json.writeValueAsString(payload);
        // nothing reads the event back in its transaction: it may travel with the COMMIT (one round trip)
        Transactions.atCommit(() -> jdbc.sql("""
                        insert into outbox_events (workspace_id, board_id, task_id, type, actor, payload)
                        values (:ws, :board, :task, :type, :actor, cast(:payload as jsonb))
                        """)
                .param("ws", ctx.workspaceId())
                .param("board", boardId)
                .param("task", taskId)
                .param("type", type.wireName())
                .param("actor", ctx.actor())
                .param("payload", body)
                .update());
    }

    /** An event for {@link #appendAll}: as the arguments of {@link #append}. */
    public record Event(EventType type, Long boardId, Long taskId, Object payload) {}

    /**
     * Appends these events in their order in one statement (an import announces its tasks a chunk at a
     * time), inside the caller's transaction; each is the row {@link #append} would write.
     */
    public void appendAll(List<Event> events) {
        Transactions.requireActive("outbox events must be appended inside the change's transaction");
        if (events.isEmpty()) {
            return;
        }
        RequestContext ctx = CurrentRequest.get();
        int n = events.size();
        Long[] boards = new Long[n];
        Long[] tasks = new Long[n];
        String[] types = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            boards[i] = e.boardId();
            tasks[i] = e.taskId();
            types[i] = e.type().wireName();
            payloads[i] = json.writeValueAsString(e.payload());
        }
        jdbc.sql("""
                        insert into outbox_events (workspace_id, board_id, task_id, type, actor, payload)
                        select :ws, x.board, x.task, x.type, :actor, cast(x.payload as jsonb)
                        from unnest(cast(:boards as bigint[]), cast(:tasks as bigint[]), cast(:types as text[]),
                                    cast(:payloads as text[])) with ordinality as x(board, task, type, payload, ord)
                        order by x.ord
                        """)
                .param("ws", ctx.workspaceId())
                .param("actor", ctx.actor())
                .param("boards", boards)
                .param("tasks", tasks)
                .param("types", types)
                .param("payloads", payloads)
                .update();
    }
}
