package dev.agentkanban.task;

import dev.agentkanban.board.Boards;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.JsonAccept;
import dev.agentkanban.platform.JsonLimits;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.RequestBodies;
import dev.agentkanban.platform.Versions;
import dev.agentkanban.platform.WireEnums;
import dev.agentkanban.task.TaskQueries.BoardState;
import dev.agentkanban.task.TaskRequests.CancelTask;
import dev.agentkanban.task.TaskRequests.ClaimNextTask;
import dev.agentkanban.task.TaskRequests.ClaimTask;
import dev.agentkanban.task.TaskRequests.CreateTask;
import dev.agentkanban.task.TaskRequests.MoveTask;
import dev.agentkanban.task.TaskRequests.ReportIssue;
import dev.agentkanban.task.TaskRequests.UpdateTask;
import dev.agentkanban.task.Tasks.ReportedIssue;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
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
class TaskController {

    private final Tasks tasks;
    private final TaskQueries queries;
    private final RequestBodies bodies;
    private final Boards boards;

    TaskController(Tasks tasks, TaskQueries queries, RequestBodies bodies, Boards boards) {
        this.tasks = tasks;
        this.queries = queries;
        this.bodies = bodies;
        this.boards = boards;
    }

    /**
     * The page as the statement wrote its JSON (issue #19: no row mapping and no second writing; the same
     * JSON as {@code Page<TaskView>}, which the API documentation shows), sent from the buffer it was
     * written into (no copy of its ~100 KB, and the buffer kept for the next page) with the headers a
     * {@code ResponseEntity<byte[]>} of it had: status 200, {@code Content-Type: application/json} and its
     * length.
     */
    @GetMapping({"/tasks", "/tickets"})
    @ApiResponse(
            responseCode = "200",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = TaskPage.class)))
    void list(
            @RequestParam(name = "board_id", required = false) Long boardId,
            @RequestParam(name = "column_id", required = false) Long columnId,
            @RequestParam(name = "board", required = false) String board,
            @RequestParam(name = "column", required = false) String column,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String priority,
            @RequestParam(required = false) String epic,
            @RequestParam(required = false) String assignee,
            @RequestParam(required = false) String tag,
            @RequestParam(required = false) String owner,
            @RequestParam(name = "due_before", required = false) String dueBefore,
            @RequestParam(name = "due_after", required = false) String dueAfter,
            @RequestParam(required = false) Boolean overdue,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) Boolean blocked,
            @RequestParam(required = false) Boolean ready,
            @RequestParam(name = "parent_id", required = false) Long parentId,
            @RequestParam(required = false) Boolean archived,
            @RequestParam(required = false) Boolean unassigned,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset,
            @RequestParam Map<String, String> all,
            HttpServletRequest request,
            HttpServletResponse response)
            throws IOException, HttpMediaTypeNotAcceptableException {
        JsonAccept.require(request);
        Long boardFilter = named("board", boardId, board, () -> boards.idOf("board", board));
        Long columnFilter = named("column", columnId, column, () -> boards.columnIdOf("column", boardFilter, column));
        TaskFilter filter = new TaskFilter(
                boardFilter,
                columnFilter,
                list(TaskStatus.class, "status", status),
                list(priority, TaskController::priority),
                epic,
                assignee,
                tag,
                WireEnums.parse(Owner.class, "owner", owner),
                JsonLimits.instant("due_before", dueBefore),
                JsonLimits.instant("due_after", dueAfter),
                overdue,
                q,
                sort,
                blocked,
                ready,
                parentId,
                archived,
                unassigned,
                TaskFilter.fieldConditions(all));
        TaskJsonWriter.JsonBytes page = queries.listJson(filter, PageRequest.of(limit, offset));
        try {
            response.setStatus(HttpStatus.OK.value());
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setContentLength(page.length());
            page.writeTo(response.getOutputStream());
        } finally {
            page.release();
        }
    }

    /**
     * A filter given by id ({@code board_id}, {@code column_id}) or, as SPEC §4 names them, by {@code board}
     * or {@code column} (an id or a name); both must agree.
     */
    private static Long named(String parameter, Long id, String idOrName, java.util.function.LongSupplier resolve) {
        if (idOrName == null || idOrName.isBlank()) {
            return id;
        }
        long named = resolve.getAsLong();
        if (id != null && id != named) {
            throw ApiException.invalid(parameter, "names another " + parameter + " than " + parameter + "_id");
        }
        return named;
    }

    /** The shape of a page of tasks, for the API documentation of {@link #list}. */
    record TaskPage(List<TaskView> items, long total, int limit, long offset) {}

    @PostMapping({"/tasks", "/tickets"})
    ResponseEntity<TaskView> create(@Valid @RequestBody CreateTask request) {
        TaskView task = tasks.create(request);
        return ResponseEntity.created(URI.create("/api/v1/tasks/" + task.id()))
                .eTag(Versions.etag(task.version()))
                .body(task);
    }

    /** The priorities from least to most urgent: the order sorts and claims use, for clients to show. */
    @GetMapping("/priorities")
    List<String> priorities() {
        return Priority.wireNames();
    }

    /** The task as the statement wrote its JSON (the same JSON as {@link TaskView}'s), with its version as ETag. */
    @GetMapping({"/tasks/{id}", "/tickets/{id}"})
    @ApiResponse(
            responseCode = "200",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = TaskView.class)))
    ResponseEntity<byte[]> get(@PathVariable long id) {
        TaskQueries.TaskJson task = queries.getJson(id);
        return ResponseEntity.ok()
                .eTag(Versions.etag(task.version()))
                .contentType(MediaType.APPLICATION_JSON)
                .body(task.json());
    }

    /**
     * Changes the fields present in the body. {@code If-Match} and a {@code version} field in the body are
     * both the version the client read (412 when the task changed since; both given must agree).
     */
    @PatchMapping({"/tasks/{id}", "/tickets/{id}"})
    ResponseEntity<TaskView> patch(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestParam(required = false) Boolean force,
            @RequestParam(required = false) String cascade,
            @RequestBody JsonNode body) {
        TaskPatch patch = TaskPatch.of(bodies.patch(body, UpdateTask.class));
        return withEtag(tasks.update(id, Versions.expected(ifMatch, body), patch, Overrides.of(force, cascade)));
    }

    /** Replaces the editable fields: any left out are cleared (title is required). */
    @PutMapping({"/tasks/{id}", "/tickets/{id}"})
    ResponseEntity<TaskView> put(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestParam(required = false) Boolean force,
            @RequestParam(required = false) String cascade,
            @RequestBody JsonNode body) {
        TaskPatch replacement = TaskPatch.replacing(bodies.patch(body, UpdateTask.class));
        return withEtag(tasks.replace(id, Versions.expected(ifMatch, body), replacement, Overrides.of(force, cascade)));
    }

    @DeleteMapping({"/tasks/{id}", "/tickets/{id}"})
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestParam(required = false) String cascade) {
        tasks.delete(id, Versions.expected(ifMatch), Overrides.of(false, cascade));
    }

    @PostMapping({"/tasks/{id}/move", "/tickets/{id}/move"})
    ResponseEntity<TaskView> move(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestParam(required = false) Boolean force,
            @Valid @RequestBody MoveTask request) {
        if (request.columnId() == null
                && request.column() == null
                && request.position() == null
                && request.beforeId() == null
                && request.afterId() == null) {
            throw ApiException.invalid(
                    "column_id", "give column_id or column, or position, before_id or after_id: where to move it");
        }
        return withEtag(tasks.move(id, Versions.expected(ifMatch), request, Overrides.of(force, null)));
    }

    @PostMapping("/tasks/{id}/start")
    ResponseEntity<TaskView> start(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestParam(required = false) Boolean force) {
        return withEtag(tasks.start(id, Versions.expected(ifMatch), Overrides.of(force, null)));
    }

    /**
     * The reason comes in the body ({@code {"reason": ...}}) or, as seed 003's service took it, as the
     * {@code reason} query parameter; without either (an empty body too) it is a 422 on {@code reason}.
     */
    @PostMapping("/tasks/{id}/cancel")
    ResponseEntity<TaskView> cancel(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestBody(required = false) CancelTask body,
            @RequestParam(name = "reason", required = false) String reasonParameter,
            @RequestParam(defaultValue = "false") boolean force) {
        CancelTask request = body != null && body.reason() != null ? body : new CancelTask(reasonParameter);
        bodies.validate(request);
        return withEtag(tasks.cancel(id, Versions.expected(ifMatch), request.reason(), force));
    }

    @PostMapping("/tasks/{id}/reopen")
    ResponseEntity<TaskView> reopen(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestParam(defaultValue = "false") boolean force) {
        return withEtag(tasks.reopen(id, Versions.expected(ifMatch), force));
    }

    @PostMapping("/tasks/{id}/claim")
    ResponseEntity<TaskView> claim(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody(required = false) ClaimTask request) {
        return withEtag(tasks.claim(id, Versions.expected(ifMatch), request == null ? null : request.leaseSeconds()));
    }

    /** Extends the caller's own claim; 409 when the caller does not hold it (any more). */
    @PostMapping("/tasks/{id}/renew")
    ResponseEntity<TaskView> renew(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody(required = false) ClaimTask request) {
        return withEtag(tasks.renew(id, Versions.expected(ifMatch), request == null ? null : request.leaseSeconds()));
    }

    /**
     * Claims the board's next task for the caller: 200 with the task, or 204 No Content when no task
     * qualifies right now (polling agents treat that as "nothing to do", not as an error).
     */
    @PostMapping("/tasks/claim-next")
    ResponseEntity<TaskView> claimNext(@Valid @RequestBody ClaimNextTask request) {
        return tasks.claimNext(request)
                .map(TaskController::withEtag)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    /** Finds or creates an issue by normalised title: 201 when it is new, 200 when it was reported again. */
    @PostMapping("/tasks/report-issue")
    ResponseEntity<ReportedIssue> reportIssue(@Valid @RequestBody ReportIssue request) {
        ReportedIssue issue = tasks.reportIssue(request);
        ResponseEntity.BodyBuilder response = issue.created()
                ? ResponseEntity.created(
                        URI.create("/api/v1/tasks/" + issue.task().id()))
                : ResponseEntity.ok();
        return response.eTag(Versions.etag(issue.task().version())).body(issue);
    }

    @PostMapping("/tasks/{id}/release")
    ResponseEntity<TaskView> release(
            @PathVariable long id, @RequestHeader(value = "If-Match", required = false) String ifMatch) {
        return withEtag(tasks.release(id, Versions.expected(ifMatch)));
    }

    /**
     * The board state: columns in order, each with its task count and first tasks. {@code limit}, the
     * name every other list uses, is taken for {@code per_column} (which wins when both are sent), with
     * the same checks (at least 1, at most 500). Its {@code ETag} is {@link BoardState#etag()}, so an
     * {@code If-None-Match} that still matches is a 304, as on the board's other reads.
     */
    @GetMapping({"/boards/{id}/tasks", "/boards/{id}/tickets"})
    ResponseEntity<BoardState> boardState(
            @PathVariable long id,
            @RequestParam(name = "per_column", required = false) Integer perColumn,
            @RequestParam(required = false) Integer limit,
            @RequestParam(name = "column_id", required = false) Long columnId,
            @RequestParam(required = false) Long offset) {
        if (perColumn != null && perColumn < 1) {
            throw ApiException.invalid("per_column", "must be at least 1");
        }
        PageRequest page = PageRequest.of(perColumn != null ? perColumn : limit, offset);
        BoardState state = queries.boardState(id, page.limit(), columnId, page.offset());
        return ResponseEntity.ok().eTag(state.etag()).body(state);
    }

    private static <E extends Enum<E>> List<E> list(Class<E> type, String field, String csv) {
        return list(csv, s -> WireEnums.parse(type, field, s));
    }

    /** A comma-separated filter's values, each read by {@code parse}. */
    private static <E> List<E> list(String csv, Function<String, E> parse) {
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        return Arrays.stream(csv.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(parse)
                .toList();
    }

    /** A priority as the bodies take it ({@code critical} is {@code urgent}, seed 002), or a 422 naming the filter. */
    private static Priority priority(String value) {
        try {
            return Priority.fromWire(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("priority", e.getMessage());
        }
    }

    private static ResponseEntity<TaskView> withEtag(TaskView task) {
        return ResponseEntity.ok().eTag(Versions.etag(task.version())).body(task);
    }
}
