package dev.agentkanban.events;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.platform.Transactions;
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
}
