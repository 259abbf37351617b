package dev.agentkanban.task;

import dev.agentkanban.platform.RequestBodies;
import dev.agentkanban.platform.Versions;
import dev.agentkanban.task.Checklists.Checklist;
import dev.agentkanban.task.Checklists.Converted;
import dev.agentkanban.task.Checklists.ItemChange;
import dev.agentkanban.task.TaskRequests.AddChecklistItem;
import dev.agentkanban.task.TaskRequests.MoveChecklistItem;
import dev.agentkanban.task.TaskRequests.UpdateChecklistItem;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * A task's checklist (issue 14). Every write answers the item (or null once gone) and the task at its
 * new version, with that version as {@code ETag}; {@code If-Match} takes the task's version.
 */
@RestController
@RequestMapping("/api/v1/tasks/{id}/checklist")
class ChecklistController {

    private final Checklists checklists;
    private final RequestBodies bodies;

    ChecklistController(Checklists checklists, RequestBodies bodies) {
        this.checklists = checklists;
        this.bodies = bodies;
    }

    @GetMapping
    Checklist list(@PathVariable long id) {
        return checklists.list(id);
    }

    @PostMapping
    ResponseEntity<ItemChange> add(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody AddChecklistItem request) {
        ItemChange change = checklists.add(id, Versions.expected(ifMatch), request);
        return ResponseEntity.created(URI.create(
                        "/api/v1/tasks/" + id + "/checklist/" + change.item().id()))
                .eTag(Versions.etag(change.task().version()))
                .body(change);
    }

    @PatchMapping("/{itemId}")
    ResponseEntity<ItemChange> update(
            @PathVariable long id,
            @PathVariable long itemId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestBody JsonNode body) {
        return withEtag(checklists.update(
                id, itemId, Versions.expected(ifMatch), bodies.patch(body, UpdateChecklistItem.class)));
    }

    @PostMapping("/{itemId}/move")
    ResponseEntity<ItemChange> move(
            @PathVariable long id,
            @PathVariable long itemId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody MoveChecklistItem request) {
        return withEtag(checklists.move(id, itemId, Versions.expected(ifMatch), request));
    }

    @DeleteMapping("/{itemId}")
    ResponseEntity<ItemChange> delete(
            @PathVariable long id,
            @PathVariable long itemId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch) {
        return withEtag(checklists.delete(id, itemId, Versions.expected(ifMatch)));
    }

    /** Turns the item into a subtask: 201 with the new subtask and the task at its new version. */
    @PostMapping("/{itemId}/convert")
    ResponseEntity<Converted> convert(
            @PathVariable long id,
            @PathVariable long itemId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch) {
        Converted converted = checklists.convert(id, itemId, Versions.expected(ifMatch));
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/api/v1/tasks/" + converted.subtask().id()))
                .eTag(Versions.etag(converted.task().version()))
                .body(converted);
    }

    private static ResponseEntity<ItemChange> withEtag(ItemChange change) {
        return ResponseEntity.ok().eTag(Versions.etag(change.task().version())).body(change);
    }
}
