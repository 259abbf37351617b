package dev.agentkanban.board;

import dev.agentkanban.board.BoardRequests.AddColumn;
import dev.agentkanban.board.BoardRequests.CreateBoard;
import dev.agentkanban.board.BoardRequests.ReplaceColumns;
import dev.agentkanban.board.BoardRequests.UpdateBoard;
import dev.agentkanban.board.BoardRequests.UpdateColumn;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Patch;
import dev.agentkanban.platform.RequestBodies;
import dev.agentkanban.platform.Versions;
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
@RequestMapping("/api/v1/boards")
class BoardController {

    private final Boards boards;
    private final RequestBodies bodies;

    BoardController(Boards boards, RequestBodies bodies) {
        this.boards = boards;
        this.bodies = bodies;
    }

    @GetMapping
    Page<Board> list(
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset,
            @RequestParam(defaultValue = "false") boolean archived) {
        return boards.list(PageRequest.of(limit, offset), archived);
    }

    /** Archives the board: it leaves the board list ({@code GET /boards?archived=true} lists it). */
    @PostMapping("/{id}/archive")
    ResponseEntity<Board> archive(
            @PathVariable long id, @RequestHeader(value = "If-Match", required = false) String ifMatch) {
        return withEtag(boards.archive(id, Versions.expected(ifMatch), true));
    }

    @PostMapping("/{id}/restore")
    ResponseEntity<Board> restore(
            @PathVariable long id, @RequestHeader(value = "If-Match", required = false) String ifMatch) {
        return withEtag(boards.archive(id, Versions.expected(ifMatch), false));
    }

    @PostMapping
    ResponseEntity<Board> create(@Valid @RequestBody CreateBoard request) {
        Board board = boards.create(request);
        return ResponseEntity.created(URI.create("/api/v1/boards/" + board.id()))
                .eTag(Versions.etag(board.version()))
                .body(board);
    }

    @GetMapping("/{id}")
    ResponseEntity<Board> get(@PathVariable long id) {
        return withEtag(boards.get(id));
    }

    @PutMapping("/{id}")
    ResponseEntity<Board> replace(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody UpdateBoard request) {
        return withEtag(boards.update(id, Versions.expected(ifMatch), request));
    }

    @PatchMapping("/{id}")
    ResponseEntity<Board> update(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestBody JsonNode body) {
        Board current = boards.get(id);
        Patch<UpdateBoard> patch = bodies.patch(merge(body, current), UpdateBoard.class);
        return withEtag(boards.update(id, Versions.expected(ifMatch), patch.values()));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id, @RequestHeader(value = "If-Match", required = false) String ifMatch) {
        boards.delete(id, Versions.expected(ifMatch));
    }

    /** The columns in order; the {@code ETag} is the board's version, which every column write takes as If-Match. */
    @GetMapping("/{id}/columns")
    ResponseEntity<List<BoardColumn>> columns(@PathVariable long id) {
        Board board = boards.get(id);
        return ResponseEntity.ok().eTag(Versions.etag(board.version())).body(board.columns());
    }

    @PutMapping("/{id}/columns")
    ResponseEntity<List<BoardColumn>> replaceColumns(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody ReplaceColumns request) {
        Board board = boards.replaceColumns(id, Versions.expected(ifMatch), request.columns());
        return ResponseEntity.ok().eTag(Versions.etag(board.version())).body(board.columns());
    }

    /**
     * One column as {@link #columns} shows it (where {@link #addColumn}'s {@code Location} points); 404 for
     * a column of another board.
     */
    @GetMapping("/{id}/columns/{columnId}")
    ResponseEntity<BoardColumn> column(@PathVariable long id, @PathVariable long columnId) {
        Board board = boards.get(id);
        return ResponseEntity.ok().eTag(Versions.etag(board.version())).body(board.column(columnId));
    }

    /** Adds a column; {@code If-Match} takes the board's version (412 when it changed since). */
    @PostMapping("/{id}/columns")
    ResponseEntity<BoardColumn> addColumn(
            @PathVariable long id,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody AddColumn request) {
        Boards.ColumnChange added = boards.addColumn(id, Versions.expected(ifMatch), request);
        return ResponseEntity.created(URI.create(
                        "/api/v1/boards/" + id + "/columns/" + added.column().id()))
                .eTag(Versions.etag(added.boardVersion()))
                .body(added.column());
    }

    /**
     * Changes a column; {@code If-Match} takes the board's version (412 when it changed since), and the
     * {@code ETag} answered is the board's new version.
     */
    @PatchMapping("/{id}/columns/{columnId}")
    ResponseEntity<BoardColumn> updateColumn(
            @PathVariable long id,
            @PathVariable long columnId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch,
            @RequestBody JsonNode body) {
        BoardColumn current = boards.column(id, columnId);
        tools.jackson.databind.node.ObjectNode merged = objectOf(body);
        merged.putIfAbsent("name", merged.stringNode(current.name()));
        merged.putIfAbsent("kind", merged.stringNode(current.kind().toString()));
        if (!merged.has("wip_limit") && current.wipLimit() != null) {
            merged.put("wip_limit", current.wipLimit());
        }
        Boards.ColumnChange changed = boards.updateColumn(
                id,
                columnId,
                Versions.expected(ifMatch),
                bodies.patch(merged, UpdateColumn.class).values());
        return ResponseEntity.ok().eTag(Versions.etag(changed.boardVersion())).body(changed.column());
    }

    /** Deletes an empty column: 204, with the board's new version as {@code ETag} as every column write answers. */
    @DeleteMapping("/{id}/columns/{columnId}")
    ResponseEntity<Void> deleteColumn(
            @PathVariable long id,
            @PathVariable long columnId,
            @RequestHeader(value = "If-Match", required = false) String ifMatch) {
        long version = boards.deleteColumn(id, columnId, Versions.expected(ifMatch));
        return ResponseEntity.noContent().eTag(Versions.etag(version)).build();
    }

    private static tools.jackson.databind.node.ObjectNode merge(JsonNode body, Board current) {
        tools.jackson.databind.node.ObjectNode merged = objectOf(body);
        merged.putIfAbsent("name", merged.stringNode(current.name()));
        if (!merged.has("description") && current.description() != null) {
            merged.put("description", current.description());
        }
        return merged;
    }

    private static tools.jackson.databind.node.ObjectNode objectOf(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw dev.agentkanban.platform.ApiException.badRequest("the request body must be a JSON object");
        }
        return ((tools.jackson.databind.node.ObjectNode) body).deepCopy();
    }

    private static ResponseEntity<Board> withEtag(Board board) {
        return ResponseEntity.ok().eTag(Versions.etag(board.version())).body(board);
    }
}
