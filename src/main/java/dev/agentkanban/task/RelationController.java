package dev.agentkanban.task;

import dev.agentkanban.platform.Versions;
import dev.agentkanban.task.Relations.TaskRelations;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A task's relations (issue 14): blockers, subtasks, related tasks and duplicates. */
@RestController
@RequestMapping("/api/v1/tasks/{id}/relations")
class RelationController {

    private final Relations relations;

    RelationController(Relations relations) {
        this.relations = relations;
    }

    /** The relation to add: {@code kind} as this task names it (blocks, blocked_by, parent, child, ...) and the other task. */
    record AddRelation(String kind, Long taskId) {}

    @GetMapping
    TaskRelations list(@PathVariable long id) {
        return relations.list(id);
    }

    /**
     * Adds a relation; {@code If-Match} takes the task's version (412 when it changed since), and the
     * answer's {@code ETag} is the task's version after it.
     */
    @PostMapping
    ResponseEntity<TaskRelations> add(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody AddRelation request) {
        TaskRelations related = relations.add(id, Versions.expected(ifMatch), request.kind(), request.taskId());
        // a relation has no URL of its own: it is read, and removed, through the task's relations
        return ResponseEntity.created(URI.create("/api/v1/tasks/" + id + "/relations"))
                .eTag(Versions.etag(related.taskVersion()))
                .body(related);
    }

    /** Removes one relation, named like it was added: {@code ?kind=blocked_by&task_id=7}; answers the relations left. */
    @DeleteMapping
    ResponseEntity<TaskRelations> remove(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestParam(required = false) String kind,
            @RequestParam(name = "task_id", required = false) Long taskId) {
        TaskRelations left = relations.remove(id, Versions.expected(ifMatch), kind, taskId);
        return ResponseEntity.ok().eTag(Versions.etag(left.taskVersion())).body(left);
    }
}
