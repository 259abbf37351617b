package dev.agentkanban.hint;

import dev.agentkanban.hint.HintRequests.CreateHint;
import dev.agentkanban.hint.Hints.Applied;
import dev.agentkanban.hint.Hints.Created;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Versions;
import dev.agentkanban.platform.WireEnums;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
class HintController {

    private final Hints hints;

    HintController(Hints hints) {
        this.hints = hints;
    }

    /** The task's hints, oldest first; {@code status} (pending, applied, dismissed) narrows the list. */
    @GetMapping("/tasks/{taskId}/hints")
    Page<Hint> list(
            @PathVariable long taskId,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return hints.list(taskId, WireEnums.parse(HintStatus.class, "status", status), PageRequest.of(limit, offset));
    }

    /** 201 with Location for a new hint; 200 with the existing one when its {@code source_key} was seen before. */
    @PostMapping("/tasks/{taskId}/hints")
    ResponseEntity<Hint> create(@PathVariable long taskId, @Valid @RequestBody CreateHint request) {
        Created result = hints.create(taskId, request);
        return result.created()
                ? ResponseEntity.created(
                                URI.create("/api/v1/hints/" + result.hint().id()))
                        .body(result.hint())
                : ResponseEntity.ok(result.hint());
    }

    @GetMapping("/hints/{id}")
    Hint get(@PathVariable long id) {
        return hints.get(id);
    }

    /** Applies the hint to its task; If-Match is the task's version. The ETag is the task's new version. */
    @PostMapping("/hints/{id}/apply")
    ResponseEntity<Applied> apply(
            @PathVariable long id, @RequestHeader(value = "If-Match", required = false) String ifMatch) {
        Applied applied = hints.apply(id, Versions.expected(ifMatch));
        return ResponseEntity.ok().eTag(Versions.etag(applied.task().version())).body(applied);
    }

    @PostMapping("/hints/{id}/dismiss")
    Hint dismiss(@PathVariable long id) {
        return hints.dismiss(id);
    }
}
