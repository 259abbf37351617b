package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.ApiException.FieldError;
import dev.agentkanban.task.BulkTasks.BulkResult;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * One priority for all {@code task_ids}, or seed 002's form: {@code updates}, a priority per task
     * ({@code [{"ticket_id": 1, "priority": "high"}]}). One form or the other, not both.
     */
    record BulkPriority(
            @JsonAlias("ticket_ids") @Size(max = 500) List<@NotNull Long> taskIds,

            Priority priority,
            @Size(max = 500) List<@NotNull @Valid PriorityUpdate> updates) {}

    record PriorityUpdate(
            @JsonAlias("ticket_id") @NotNull Long taskId,
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
        if (request.updates() != null) {
            if (request.taskIds() != null || request.priority() != null) {
                throw ApiException.invalid("updates", "send either updates or task_ids with priority, not both");
            }
            if (request.updates().isEmpty()) {
                throw ApiException.invalid("updates", "must not be empty");
            }
            Map<Long, Priority> first = new HashMap<>();
            List<Long> ids = new ArrayList<>();
            for (PriorityUpdate u : request.updates()) {
                first.putIfAbsent(u.taskId(), u.priority());
                ids.add(u.taskId());
            }
            return bulk.prioritise(ids, first::get);
        }
        List<FieldError> missing = new ArrayList<>();
        if (request.taskIds() == null || request.taskIds().isEmpty()) {
            missing.add(new FieldError("task_ids", "must not be empty"));
        }
        if (request.priority() == null) {
            missing.add(new FieldError("priority", "must not be null"));
        }
        if (!missing.isEmpty()) {
            throw ApiException.invalid(missing);
        }
        Priority priority = request.priority();
        return bulk.prioritise(request.taskIds(), id -> priority);
    }

    @PostMapping("/assign")
    BulkResult assign(@Valid @RequestBody BulkAssign request) {
        return bulk.assign(request.taskIds(), request.assignee());
    }
}
