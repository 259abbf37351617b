package dev.agentkanban.task;

import dev.agentkanban.platform.Versions;
import dev.agentkanban.task.TaskAssignees.Assignment;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A task's assignees (issue 15): list, replace, add one, remove one. Writes answer the assignees and
 * the task at its new version ({@code ETag}); {@code If-Match} takes the task's version.
 */
@RestController
@RequestMapping("/api/v1/tasks/{id}/assignees")
class AssigneeController {

    record SetAssignees(
            @NotNull @Size(max = TaskAssignees.MAX) List<String> assignees) {}

    record AddAssignee(@NotBlank @Size(max = 100) String username) {}

    private final TaskAssignees assignees;

    AssigneeController(TaskAssignees assignees) {
        this.assignees = assignees;
    }

    @GetMapping
    Assignment list(@PathVariable long id) {
        return assignees.list(id);
    }

    @PutMapping
    ResponseEntity<Assignment> set(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody SetAssignees request) {
        return answer(assignees.set(id, Versions.expected(ifMatch), request.assignees()));
    }

    @PostMapping
    ResponseEntity<Assignment> add(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody AddAssignee request) {
        return answer(assignees.add(id, Versions.expected(ifMatch), request.username()));
    }

    @DeleteMapping("/{userId}")
    ResponseEntity<Assignment> remove(
            @PathVariable long id,
            @PathVariable long userId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch) {
        return answer(assignees.remove(id, Versions.expected(ifMatch), userId));
    }

    private static ResponseEntity<Assignment> answer(Assignment a) {
        return ResponseEntity.ok().eTag(Versions.etag(a.task().version())).body(a);
    }
}
