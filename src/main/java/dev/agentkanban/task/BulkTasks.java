package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.task.TaskRequests.MoveTask;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Bulk operations (seed 002): each item is one ordinary task change in its own transaction, reported on
 * its own, so one bad id does not undo the others. One {@code bulk_update} event per affected board
 * follows, in a transaction of its own after the items, together with the record of the operation
 * ({@link BulkOperations}).
 */
@Service
class BulkTasks {

    private static final Logger log = LoggerFactory.getLogger(BulkTasks.class);

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ItemResult(long taskId, boolean success, String error) {}

    public record BulkResult(int totalRequested, int successful, int failed, List<ItemResult> results) {}

    private final Tasks tasks;
    private final Transactions tx;
    private final Outbox outbox;
    private final BulkOperations operations;

    BulkTasks(Tasks tasks, Transactions tx, Outbox outbox, BulkOperations operations) {
        this.tasks = tasks;
        this.tx = tx;
        this.outbox = outbox;
        this.operations = operations;
    }

    /**
     * Moves each task to the column (by id or name), at the position or else at its end. With a position
     * the tasks land there in the order sent: each one moved goes one place below the one before, not
     * on top of it (which reversed them).
     */
    public BulkResult move(List<Long> taskIds, Long columnId, String column, Integer position) {
        if (columnId == null && column == null) {
            throw ApiException.invalid("column_id", "give column_id or column");
        }
        int[] moved = {0};
        return apply("move", taskIds, id -> {
            Integer at = position == null ? null : position + moved[0];
            TaskView view = tasks.move(id, null, MoveTask.toColumn(columnId, column, at));
            moved[0]++;
            return view;
        });
    }

    public BulkResult prioritise(List<Long> taskIds, Priority priority) {
        return apply("priority", taskIds, id -> tasks.update(id, null, TaskPatch.priority(priority)));
    }

    /** Assigns each task to {@code assignee} (null unassigns). */
    public BulkResult assign(List<Long> taskIds, String assignee) {
        return apply("assign", taskIds, id -> tasks.update(id, null, TaskPatch.assignee(assignee)));
    }

    private BulkResult apply(String operation, List<Long> ids, LongFunction<TaskView> action) {
        Instant started = Instant.now();
        List<ItemResult> results = new ArrayList<>();
        Map<Long, List<Long>> changedByBoard = new LinkedHashMap<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long id : ids) {
            if (!seen.add(id)) {
                // every requested item is reported (SPEC §4): a repeat is handled once, and says so
                results.add(new ItemResult(id, false, "task " + id + " is listed more than once; it was handled once"));
                continue;
            }
            try {
                TaskView view = action.apply(id);
                changedByBoard
                        .computeIfAbsent(view.boardId(), b -> new ArrayList<>())
                        .add(id);
                results.add(new ItemResult(id, true, null));
            } catch (ApiException e) {
                results.add(new ItemResult(id, false, e.getMessage()));
            } catch (RuntimeException e) {
                log.error("bulk {} failed for task {}", operation, id, e);
                results.add(new ItemResult(id, false, "internal error"));
            }
        }
        // the events and the record of the operation (GET /api/v1/bulk/operations/status) commit together
        tx.write(() -> {
            changedByBoard.forEach((board, changed) -> outbox.append(
                    EventType.BULK_UPDATE, board, null, Map.of("operation", operation, "task_ids", changed)));
            operations.record(operation, started, results);
        });
        int ok = (int) results.stream().filter(ItemResult::success).count();
        return new BulkResult(results.size(), ok, results.size() - ok, results);
    }
}
