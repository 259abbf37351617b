package dev.agentkanban.completion;

import dev.agentkanban.completion.Completions.CompleteTask;
import dev.agentkanban.platform.Versions;
import dev.agentkanban.task.Overrides;
import dev.agentkanban.task.TaskView;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
class CompletionController {

    private final Completions completions;

    CompletionController(Completions completions) {
        this.completions = completions;
    }

    /**
     * Completes the task; the optional body records why in the same transaction, as MCP's complete_task
     * does: {@code notes} (a comment by the caller), {@code evidence_text}, {@code evidence_link}, and
     * {@code evidence} (a list of evidence as {@code POST /tasks/{id}/evidence} takes it as JSON). All or
     * nothing: a bad part is a 422 and the task stays as it was. Answers the task at its new version
     * ({@code ETag}).
     */
    @PostMapping("/tasks/{id}/complete")
    ResponseEntity<TaskView> complete(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestParam(required = false) Boolean force,
            @RequestParam(required = false) String cascade,
            @RequestBody(required = false) CompleteTask request) {
        TaskView task = completions
                .complete(id, Versions.expected(ifMatch), Overrides.of(force, cascade), request)
                .task();
        return ResponseEntity.ok().eTag(Versions.etag(task.version())).body(task);
    }
}
