package dev.agentkanban.history;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.Transactions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Writes the audit rows for task changes that are not updates of the task row itself (comment added,
 * tags changed, evidence added, ...), which the {@code tasks_audit} trigger cannot see. Call it inside
 * the change's write transaction, next to {@code Outbox.append}: the row exists if and only if the
 * change committed. The actor is the request's actor, as on trigger-written rows.
 */
@Component
public class HistoryLog {

    private final JdbcClient jdbc;

    HistoryLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Appends one history row for {@code task}; {@code field} and the values may be null. */
    public void record(Subject task, String action, String field, String oldValue, String newValue) {
        requireTransaction();
        String actor = CurrentRequest.get().actor();
        // nothing reads the row back in its transaction: it may travel with the next statement or the COMMIT
        Transactions.atCommit(() -> jdbc.sql("""
                        insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value,
                                                  actor)
                        values (:ws, :board, :task, :action, :field, :old, :new, :actor)
                        """)
                .param("ws", task.workspaceId())
                .param("board", task.boardId())
                .param("task", task.id())
                .param("action", action)
                .param("field", field)
                .param("old", oldValue)
                .param("new", newValue)
                .param("actor", actor)
                .update());
    }

    /** Inserts a history row as it was elsewhere (imports): its actor and time kept (null time: now). */
    public void restore(
            Long boardId,
            long taskId,
            String action,
            String field,
            String oldValue,
            String newValue,
            String actor,
            Instant occurredAt) {
        requireTransaction();
        jdbc.sql("""
                insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor, occurred_at)
                values (:ws, :board, :task, :action, :field, :old, :new, :actor, coalesce(:at, now()))
                """)
                .param("ws", CurrentRequest.get().workspaceId())
                .param("board", boardId)
                .param("task", taskId)
                .param("action", action)
                .param("field", field)
                .param("old", oldValue)
                .param("new", newValue)
                .param("actor", actor)
                .param("at", occurredAt == null ? null : occurredAt.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** Removes the rows of these tasks (a restore replaces what the insert trigger wrote with the restored trail). */
    /** Whether any of {@code fields} of the task was changed ({@code updated}) after {@code since}. */
    public boolean changedSince(long taskId, java.util.Collection<String> fields, java.time.Instant since) {
        if (fields.isEmpty()) {
            return false;
        }
        return jdbc.sql("""
                        select exists (select 1 from task_history
                                       where task_id = :task and action = 'updated' and field in (:fields)
                                         and occurred_at > :since)
                        """)
                .param("task", taskId)
                .param("fields", List.copyOf(fields))
                .param("since", since.atOffset(ZoneOffset.UTC))
                .query(Boolean.class)
                .single();
    }

    public void forget(List<Long> taskIds) {
        requireTransaction();
        jdbc.sql("delete from task_history where workspace_id = :ws and task_id = any(:ids)")
                .param("ws", CurrentRequest.get().workspaceId())
                .param("ids", taskIds.toArray(Long[]::new))
                .update();
    }

    private static void requireTransaction() {
        Transactions.requireActive("history rows must be written inside the change's transaction");
    }
}
