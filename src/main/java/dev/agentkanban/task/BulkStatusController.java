package dev.agentkanban.task;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.task.BulkOperations.Operation;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Seed 002's bulk operations status: the workspace's recent bulk operations with their per-item results. */
@RestController
class BulkStatusController {

    private final BulkOperations operations;

    BulkStatusController(BulkOperations operations) {
        this.operations = operations;
    }

    /** Newest first, optionally of one kind (move, priority, assign). */
    @GetMapping("/api/v1/bulk/operations/status")
    Page<Operation> status(
            @RequestParam(required = false) String operation,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        if (operation != null && !Set.of("move", "priority", "assign").contains(operation)) {
            throw ApiException.invalid("operation", "must be one of move, priority, assign");
        }
        return operations.recent(operation, PageRequest.of(limit, offset));
    }
}
