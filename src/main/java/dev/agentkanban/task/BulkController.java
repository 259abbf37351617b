package dev.agentkanban.task;

import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.task.BulkOperations.ItemResult;
import dev.agentkanban.task.BulkOperations.Operation;
import dev.agentkanban.platform.Patch;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.task.TaskRequests.MoveTask;
import dev.agentkanban.task.TaskRequests.UpdateTask;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Bulk operations (seed 002): each item is applied in its own transaction and reported on its own, so
 * one bad id does not undo the others. A {@code bulk_update} event per affected board follows.
 */
@RestController
@RequestMapping("/api/v1/bulk")
class BulkController {

    private static final Logger log = LoggerFactory.getLogger(BulkController.class);

    record BulkMove(@NotEmpty @Size(max = 500) List<@NotNull Long> taskIds, Long columnId, @Size(max = 100) String column,
            @Min(0) Integer position) {}

    record BulkPriority(@NotEmpty @Size(max = 500) List<@NotNull Long> taskIds, @NotNull Priority priority) {}

    record BulkAssign(@NotEmpty @Size(max = 500) List<@NotNull Long> taskIds, @Size(max = 200) String assignee) {}

    record BulkResult(int totalRequested, int successful, int failed, List<ItemResult> results) {}

    private final Tasks tasks;
    private final Transactions tx;
    private final Outbox outbox;
    private final BulkOperations operations;

    BulkController(Tasks tasks, Transactions tx, Outbox outbox, BulkOperations operations) {
        this.tasks = tasks;
        this.tx = tx;
        this.outbox = outbox;
        this.operations = operations;
    }

    /** Recent bulk operations of the workspace with their per-item results, newest first. */
    @GetMapping("/operations/status")
    Page<Operation> status(@RequestParam(required = false) String operation, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        if (operation != null && !Set.of("move", "priority", "assign").contains(operation)) {
            throw ApiException.invalid("operation", "must be one of move, priority, assign");
        }
        return operations.recent(operation, PageRequest.of(limit, offset));
    }

    @PostMapping("/tasks/move")
    BulkResult move(@Valid @RequestBody BulkMove request) {
        if (request.columnId() == null && request.column() == null) {
            throw ApiException.invalid("column_id", "give column_id or column");
        }
        return apply("move", request.taskIds(),
                id -> tasks.move(id, null, new MoveTask(request.columnId(), request.column(), request.position(), null, null)));
    }

    @PostMapping("/tasks/priority")
    BulkResult priority(@Valid @RequestBody BulkPriority request) {
        UpdateTask change = new UpdateTask(null, null, null, request.priority(), null, null, null, null, null, null, null,
                null, null, null, null);
        return apply("priority", request.taskIds(), id -> tasks.update(id, null, new Patch<>(change, Set.of("priority"))));
    }

    @PostMapping("/tasks/assign")
    BulkResult assign(@Valid @RequestBody BulkAssign request) {
        UpdateTask change = new UpdateTask(null, null, null, null, null, null, null, request.assignee(), null, null, null,
                null, null, null, null);
        return apply("assign", request.taskIds(), id -> tasks.update(id, null, new Patch<>(change, Set.of("assignee"))));
    }

    private BulkResult apply(String operation, List<Long> ids, LongFunction<TaskView> action) {
        Instant started = Instant.now();
        List<ItemResult> results = new ArrayList<>();
        Map<Long, List<Long>> changedByBoard = new LinkedHashMap<>();
        for (long id : ids.stream().distinct().toList()) {
            try {
                TaskView view = action.apply(id);
                changedByBoard.computeIfAbsent(view.boardId(), b -> new ArrayList<>()).add(id);
                results.add(new ItemResult(id, true, null));
            } catch (ApiException e) {
                results.add(new ItemResult(id, false, e.getMessage()));
            } catch (RuntimeException e) {
                log.error("bulk {} failed for task {}", operation, id, e);
                results.add(new ItemResult(id, false, "internal error"));
            }
        }
        tx.write(() -> {
            changedByBoard.forEach((board, changed) -> outbox.append(EventType.BULK_UPDATE, board, null,
                    Map.of("operation", operation, "task_ids", changed)));
            operations.record(operation, started, results);
        });
        int ok = (int) results.stream().filter(ItemResult::success).count();
        return new BulkResult(results.size(), ok, results.size() - ok, results);
    }
}
