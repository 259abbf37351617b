package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.agentkanban.task.BulkTasks.BulkResult;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Bulk operations over REST (seed 002); {@link BulkTasks} does the work. Seed 002's paths
 * ({@code /bulk/tickets/...}) and its {@code ticket_ids} are accepted too.
 */
@RestController
@RequestMapping({"/api/v1/bulk/tasks", "/api/v1/bulk/tickets"})
class BulkController {

    record BulkMove(
            @JsonAlias("ticket_ids") @NotEmpty @Size(max = 500)
            List<@NotNull Long> taskIds,

            Long columnId,
            @JsonAlias("target_column") @Size(max = 100) String column,
            @Min(0) Integer position) {}

    record BulkPriority(
            @JsonAlias("ticket_ids") @NotEmpty @Size(max = 500)
            List<@NotNull Long> taskIds,

            @NotNull Priority priority) {}

    record BulkAssign(
            @JsonAlias("ticket_ids") @NotEmpty @Size(max = 500)
            List<@NotNull Long> taskIds,

            @Size(max = 200) String assignee) {}

    private final BulkTasks bulk;

    BulkController(BulkTasks bulk) {
        this.bulk = bulk;
    }

    @PostMapping("/move")
    BulkResult move(@Valid @RequestBody BulkMove request) {
        return bulk.move(request.taskIds(), request.columnId(), request.column(), request.position());
    }

    @PostMapping("/priority")
    BulkResult priority(@Valid @RequestBody BulkPriority request) {
        return bulk.prioritise(request.taskIds(), request.priority());
    }

    @PostMapping("/assign")
    BulkResult assign(@Valid @RequestBody BulkAssign request) {
        return bulk.assign(request.taskIds(), request.assignee());
    }
}
