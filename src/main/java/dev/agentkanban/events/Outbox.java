package dev.agentkanban.events;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.platform.Transactions;
import java.sql.Types;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends change events to the durable outbox, inside the caller's transaction: the event exists if
 * and only if the change committed. Live updates, the change feed, webhooks and the worker read it.
 */
@Component
public class Outbox {

    /**
     * A null id goes out as bigint, as a set one does: the statement's parameter types stay the same
     * for events with and without a board or task, so the driver keeps the one statement it prepared.
     */
    private static final SqlParameterValue NO_ID = new SqlParameterValue(Types.BIGINT, null);

    private final JdbcClient jdbc;
    private final JsonMapper json;

    Outbox(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Records that something happened; {@code payload} carries the new state (event-carried state). */
    public void append(EventType type, Long boardId, Long taskId, Object payload) {
        appendAtCommit(type, boardId, taskId, payload, "cast(:payload as jsonb)");
    }

    /**
     * {@link #append} of an event about a change of something the task's view shows (a comment, its
     * tags): the payload, a JSON object, gets {@code task_version}, the task's version as the change's
     * transaction leaves it, read by the insert itself at commit. A client keeping the version for
     * {@code If-Match} takes it from the event; and reading it takes no round trip of its own.
     */
    public void appendWithTaskVersion(EventType type, Long boardId, long taskId, Object payload) {
        appendAtCommit(
                type,
                boardId,
                taskId,
                payload,
                "cast(:payload as jsonb) || jsonb_build_object('task_version',"
                        + " (select t.version from tasks t where t.id = :task))");
    }

    private void appendAtCommit(EventType type, Long boardId, Long taskId, Object payload, String payloadSql) {
        Transactions.requireActive("outbox events must be appended inside the change's transaction");
        RequestContext ctx = CurrentRequest.get();
        String body = json.writeValueAsString(payload);
        // nothing reads the event back in its transaction: it may travel with the COMMIT (one round trip)
        Transactions.atCommit(() -> jdbc.sql("insert into outbox_events (workspace_id, board_id, task_id, type, actor,"
                        + " payload) values (:ws, :board, :task, :type, :actor, " + payloadSql + ")")
                .param("ws", ctx.workspaceId())
                .param("board", id(boardId))
                .param("task", id(taskId))
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

    /**
     * Announces a change of many tasks (a tag renamed or deleted) to the boards they are on, in one
     * statement inside the caller's transaction: one event per board that has one of {@code taskIds},
     * whose payload is {@code payload} with {@code tasks}, that board's tasks among them as
     * {@code {id, version}} (the version as the transaction left it: call this after the change), in
     * id order. With none of the tasks left, one event without a board (the workspace's), with no tasks.
     */
    public void appendPerBoard(EventType type, Map<String, Object> payload, Collection<Long> taskIds) {
        Transactions.requireActive("outbox events must be appended inside the change's transaction");
        RequestContext ctx = CurrentRequest.get();
        jdbc.sql("""
                        with per_board as (
                            select t.board_id,
                                   jsonb_agg(jsonb_build_object('id', t.id, 'version', t.version) order by t.id) as tasks
                            from tasks t where t.workspace_id = :ws and t.id = any(:ids)
                            group by t.board_id
                        ), events as (
                            select b.board_id, b.tasks from per_board b
                            union all
                            select null, '[]'::jsonb where not exists (select 1 from per_board)
                        )
                        insert into outbox_events (workspace_id, board_id, task_id, type, actor, payload)
                        select :ws, e.board_id, null, :type, :actor,
                               cast(:payload as jsonb) || jsonb_build_object('tasks', e.tasks)
                        from events e order by e.board_id nulls first
                        """)
                .param("ws", ctx.workspaceId())
                .param("ids", taskIds.toArray(Long[]::new))
                .param("type", type.wireName())
                .param("actor", ctx.actor())
                .param("payload", json.writeValueAsString(payload))
                .update();
    }

    private static Object id(Long id) {
        return id != null ? id : NO_ID;
    }
}
