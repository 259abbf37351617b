package dev.agentkanban.transfer;

import dev.agentkanban.board.Boards;
import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.task.Position;
import dev.agentkanban.task.RestoredTask;
import dev.agentkanban.task.TaskQueries;
import dev.agentkanban.task.TaskView;
import dev.agentkanban.task.Tasks;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Writes imported tasks the way the task feature does, keeping what the import knows (timestamps,
 * status): the insert fires the same triggers (a {@code created} history row by the importing actor,
 * board counts), and {@link #announce} appends one {@code task_created} outbox event per task, carrying
 * the task as clients read it. Call inside the import's write transaction.
 */
@Component
class ImportedTasks {

    private final TransferRepository repo;
    private final TaskQueries queries;
    private final Tasks tasks;
    private final Boards boards;
    private final Outbox outbox;

    ImportedTasks(TransferRepository repo, TaskQueries queries, Tasks tasks, Boards boards, Outbox outbox) {
        this.tasks = tasks;
        this.repo = repo;
        this.queries = queries;
        this.boards = boards;
        this.outbox = outbox;
    }

    /** Positions at the end of columns: the first use of a column locks it (like every insert into a column) and reads its last position. */
    final class Slots {
        private final Map<Long, Long> next = new HashMap<>();

        long next(long columnId) {
            long position = next.computeIfAbsent(columnId, id -> {
                boards.lockColumn(id);
                return after(repo.lastPosition(id));
            });
            next.put(columnId, after(position));
            return position;
        }

        /** The next end-of-column position by the one ordering rule ({@link Position}), overflow included. */
        private static long after(Long last) {
            return Position.between(last, null)
                    .orElseThrow(() -> ApiException.conflict(
                            "column-full",
                            "the column has no room left at its end; move some of its tasks, then import again"));
        }
    }

    Slots slots() {
        return new Slots();
    }

    long insert(RestoredTask task) {
        return tasks.restore(task);
    }

    /** The task's one outbox event, after everything the import hangs off it (tags, comments) is written. */
    TaskView announce(long taskId, String source) {
        TaskView view = queries.get(taskId);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task", view);
        payload.put("import", source);
        outbox.append(EventType.TASK_CREATED, view.boardId(), taskId, payload);
        return view;
    }
}
