package dev.agentkanban.task;

import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Versions;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Archive and trash: archive a task or a column's tasks, restore, list and purge the trash. */
@RestController
@RequestMapping("/api/v1")
class ArchiveController {

    private final TaskArchive archive;

    ArchiveController(TaskArchive archive) {
        this.archive = archive;
    }

    @PostMapping("/tasks/{id}/archive")
    ResponseEntity<TaskView> archive(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestParam(defaultValue = "false") boolean force) {
        TaskView task = archive.archive(id, Versions.expected(ifMatch), force);
        return ResponseEntity.ok().eTag(Versions.etag(task.version())).body(task);
    }

    /** Puts an archived or trashed task back at the end of its column. */
    @PostMapping("/tasks/{id}/restore")
    ResponseEntity<TaskView> restore(
            @PathVariable long id, @RequestHeader(value = "If-Match", required = false) String ifMatch) {
        TaskView task = archive.restore(id, Versions.expected(ifMatch));
        return ResponseEntity.ok().eTag(Versions.etag(task.version())).body(task);
    }

    @PostMapping("/boards/{id}/columns/{columnId}/archive")
    Map<String, Object> archiveColumn(
            @PathVariable long id, @PathVariable long columnId, @RequestParam(defaultValue = "false") boolean force) {
        return Map.of("archived", archive.archiveColumn(id, columnId, force));
    }

    @GetMapping("/trash")
    Page<TrashedTask> trash(
            @RequestParam(name = "board_id", required = false) Long boardId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return archive.trash(boardId, PageRequest.of(limit, offset));
    }

    /** Admins: removes a task of the trash for good. */
    @DeleteMapping("/trash/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void purge(@PathVariable long id) {
        archive.purge(id);
    }

    /** Admins: empties the trash (of one board with {@code board_id}). */
    @DeleteMapping("/trash")
    Map<String, Object> purgeAll(@RequestParam(name = "board_id", required = false) Long boardId) {
        return Map.of("purged", archive.purgeAll(boardId));
    }
}
