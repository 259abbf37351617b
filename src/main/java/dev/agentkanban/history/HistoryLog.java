package dev.agentkanban.history;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.task.TaskRef;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

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
    public void record(TaskRef task, String action, String field, String oldValue, String newValue) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("history rows must be recorded inside the change's transaction");
        }
        jdbc.sql("""
                insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor)
                values (:ws, :board, :task, :action, :field, :old, :new, :actor)
                """)
                .param("ws", task.workspaceId())
                .param("board", task.boardId())
                .param("task", task.id())
                .param("action", action)
                .param("field", field)
                .param("old", oldValue)
                .param("new", newValue)
                .param("actor", CurrentRequest.get().actor())
                .update();
    }
}
