package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.task.TaskRequests.MoveTask;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** Moves each task to the column (by id or name), from the position on in the order given, or else at its end. */
    public BulkResult move(List<Long> taskIds, Long columnId, String column, Integer position) {
        if (columnId == null && column == null) {
            throw ApiException.invalid("column_id", "give column_id or column");
        }
        MoveTask move = MoveTask.toColumn(columnId, column, position);
        return apply("move", taskIds, id -> tasks.move(id, null, move), position != null);
    }

    /** Gives each task the priority {@code priorityOf} names for it. */
    public BulkResult prioritise(List<Long> taskIds, LongFunction<Priority> priorityOf) {
        return apply("priority", taskIds, id -> tasks.update(id, null, TaskPatch.priority(priorityOf.apply(id))));
    }

    /** Assigns each task to {@code assignee} (null unassigns). */
    public BulkResult assign(List<Long> taskIds, String assignee) {
        return apply("assign", taskIds, id -> tasks.update(id, null, TaskPatch.assignee(assignee)));
    }

    private BulkResult apply(String operation, List<Long> ids, LongFunction<TaskView> action) {
        return apply(operation, ids, action, false);
    }

    /**
     * Applies {@code action} to each task once, each in its own transaction, and reports every item in
     * the order requested; {@code lastFirst} applies them from the last to the first (a move of several
     * tasks to one position: each pushes down those put there before it, so putting the last there
     * first leaves them in the order given).
     */
    private BulkResult apply(String operation, List<Long> ids, LongFunction<TaskView> action, boolean lastFirst) {
        Instant started = Instant.now();
        List<Long> unique = ids.stream().distinct().toList();
        Map<Long, ItemResult> outcome = new HashMap<>();
        Map<Long, Long> boardOf = new HashMap<>();
        for (long id : lastFirst ? unique.reversed() : unique) {
            try {
                boardOf.put(id, action.apply(id).boardId());
                outcome.put(id, new ItemResult(id, true, null));
            } catch (ApiException e) {
                outcome.put(id, new ItemResult(id, false, e.getMessage()));
            } catch (RuntimeException e) {
                log.error("bulk {} failed for task {}", operation, id, e);
                outcome.put(id, new ItemResult(id, false, "internal error"));
            }
        }
        List<ItemResult> results = new ArrayList<>();
        Map<Long, List<Long>> changedByBoard = new LinkedHashMap<>();
        Set<Long> seen = new HashSet<>();
        for (long id : ids) {
            if (!seen.add(id)) {
                // every requested item is reported (SPEC §4): a repeat is handled once, and says so
                results.add(new ItemResult(id, false, "task " + id + " is listed more than once; it was handled once"));
                continue;
            }
            results.add(outcome.get(id));
            if (boardOf.containsKey(id)) {
                changedByBoard
                        .computeIfAbsent(boardOf.get(id), b -> new ArrayList<>())
                        .add(id);
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
