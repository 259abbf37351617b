package dev.agentkanban.comment;

import dev.agentkanban.comment.CommentRequests.WriteComment;
import dev.agentkanban.comment.CommentRequests.WriteTaskComment;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Versions;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
class CommentController {

    private final Comments comments;

    CommentController(Comments comments) {
        this.comments = comments;
    }

    /** A task's comments; seed 002 listed them at {@code /comments/ticket/{id}}. */
    @GetMapping({"/tasks/{taskId}/comments", "/comments/ticket/{taskId}", "/comments/task/{taskId}"})
    Page<Comment> list(
            @PathVariable long taskId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return comments.list(taskId, PageRequest.of(limit, offset));
    }

    /** Adds a comment; {@code If-Match} takes the task's version (412 when it changed since). */
    @PostMapping("/tasks/{taskId}/comments")
    ResponseEntity<Comment> add(
            @PathVariable long taskId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody WriteComment request) {
        Comment comment = comments.add(taskId, Versions.expected(ifMatch), request.body());
        return ResponseEntity.created(URI.create("/api/v1/comments/" + comment.id()))
                .body(comment);
    }

    /**
     * Seed 002's form: {@code POST /api/comments/} with the task in the body; the author is the caller.
     * Like the other {@code /comments} routes it takes no {@code If-Match}.
     */
    @PostMapping("/comments")
    ResponseEntity<Comment> addToTask(@Valid @RequestBody WriteTaskComment request) {
        return add(request.taskId(), null, new WriteComment(request.body()));
    }

    @GetMapping("/comments/{id}")
    Comment get(@PathVariable long id) {
        return comments.get(id);
    }

    /**
     * Edits a comment. A comment has no version of its own and its text is not in its task's view (no
     * new task version), so {@code /comments/{id}} routes take no {@code If-Match}: a precondition is
     * about the task only on routes under {@code /tasks/{id}}. {@code PUT} does the same (seed 002 edited
     * a comment with {@code PUT /api/comments/{id}}): its body is the whole comment anyway.
     */
    @RequestMapping(
            path = "/comments/{id}",
            method = {RequestMethod.PATCH, RequestMethod.PUT})
    Comment edit(@PathVariable long id, @Valid @RequestBody WriteComment request) {
        return comments.edit(id, request.body());
    }

    @DeleteMapping("/comments/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id) {
        comments.delete(id);
    }
}
