package dev.agentkanban.template;

import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Versions;
import dev.agentkanban.template.TemplateRequests.CreateFromTemplate;
import dev.agentkanban.template.TemplateRequests.SaveAsTemplate;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Board templates: list, read, create a board from one, save a board as one, delete a saved one. */
@RestController
@RequestMapping("/api/v1")
class TemplateController {

    private final Templates templates;

    TemplateController(Templates templates) {
        this.templates = templates;
    }

    @GetMapping("/templates")
    Page<BoardTemplate> list(
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) Long offset) {
        return Page.of(templates.list(), PageRequest.of(limit, offset));
    }

    @GetMapping("/templates/{id}")
    BoardTemplate get(@PathVariable String id) {
        return templates.get(id);
    }

    @PostMapping("/templates/{id}/boards")
    ResponseEntity<Templates.FromTemplate> createBoard(
            @PathVariable String id, @Valid @RequestBody(required = false) CreateFromTemplate request) {
        Templates.FromTemplate made = templates.createBoard(
                id, request == null ? null : request.name(), request == null ? null : request.description());
        return ResponseEntity.created(
                        URI.create("/api/v1/boards/" + made.board().id()))
                .eTag(Versions.etag(made.board().version()))
                .body(made);
    }

    @PostMapping("/boards/{id}/template")
    ResponseEntity<BoardTemplate> save(@PathVariable long id, @Valid @RequestBody SaveAsTemplate request) {
        BoardTemplate saved = templates.saveBoard(
                id, request.name(), request.description(), Boolean.TRUE.equals(request.includeCards()));
        return ResponseEntity.created(URI.create("/api/v1/templates/" + saved.id()))
                .body(saved);
    }

    @DeleteMapping("/templates/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String id) {
        templates.delete(id);
    }
}
