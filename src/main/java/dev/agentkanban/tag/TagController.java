package dev.agentkanban.tag;

import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.RequestBodies;
import dev.agentkanban.platform.Versions;
import dev.agentkanban.tag.TagRequests.AttachTag;
import dev.agentkanban.tag.TagRequests.CreateTag;
import dev.agentkanban.tag.TagRequests.SetTags;
import dev.agentkanban.tag.TagRequests.UpdateTag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1")
class TagController {

    private final Tags tags;
    private final RequestBodies bodies;

    TagController(Tags tags, RequestBodies bodies) {
        this.tags = tags;
        this.bodies = bodies;
    }

    /** The workspace's tags by name, as every list: {@code {items, total, limit, offset}}. */
    @GetMapping("/tags")
    Page<TagSummary> list(@RequestParam(required = false) Integer limit, @RequestParam(required = false) Long offset) {
        return Page.of(tags.list(), PageRequest.of(limit, offset));
    }

    @PostMapping("/tags")
    ResponseEntity<TagSummary> create(@Valid @RequestBody CreateTag request) {
        TagSummary tag = tags.create(request);
        return ResponseEntity.created(URI.create("/api/v1/tags/" + tag.id())).body(tag);
    }

    @GetMapping("/tags/{id}")
    TagSummary get(@PathVariable long id) {
        return tags.get(id);
    }

    @PatchMapping("/tags/{id}")
    TagSummary update(@PathVariable long id, @RequestBody JsonNode body) {
        return tags.update(id, bodies.patch(body, UpdateTag.class));
    }

    @DeleteMapping("/tags/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id) {
        tags.delete(id);
    }

    /**
     * The task's tags: a plain array, as the parts of one task are (README), with the task's version as
     * {@code ETag}, which moves whenever its tags do.
     */
    @GetMapping("/tasks/{taskId}/tags")
    ResponseEntity<List<Tag>> ofTask(@PathVariable long taskId) {
        return withEtag(tags.tagsWithVersion(taskId));
    }

    /**
     * Attaches a tag; {@code If-Match} takes the task's version (412 when it changed since). Like every
     * write under {@code /tasks/{id}/tags}, answers the task's new version as {@code ETag}.
     */
    @PostMapping("/tasks/{taskId}/tags")
    ResponseEntity<List<Tag>> attach(
            @PathVariable long taskId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody AttachTag request) {
        return withEtag(tags.attach(taskId, Versions.expected(ifMatch), request));
    }

    @PutMapping("/tasks/{taskId}/tags")
    ResponseEntity<List<Tag>> replace(
            @PathVariable long taskId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody SetTags request) {
        return withEtag(tags.replace(taskId, Versions.expected(ifMatch), request));
    }

    /** Takes the tag off the task: 204, with the task's new version as {@code ETag}. */
    @DeleteMapping("/tasks/{taskId}/tags/{tagId}")
    ResponseEntity<Void> detach(
            @PathVariable long taskId,
            @PathVariable long tagId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch) {
        long version = tags.detach(taskId, Versions.expected(ifMatch), tagId);
        return ResponseEntity.noContent().eTag(Versions.etag(version)).build();
    }

    private static ResponseEntity<List<Tag>> withEtag(Tags.TaskTags taskTags) {
        return ResponseEntity.ok().eTag(Versions.etag(taskTags.taskVersion())).body(taskTags.tags());
    }
}
