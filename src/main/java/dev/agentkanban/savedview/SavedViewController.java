package dev.agentkanban.savedview;

import dev.agentkanban.platform.RequestBodies;
import dev.agentkanban.savedview.SavedViewRequests.ChangeView;
import dev.agentkanban.savedview.SavedViewRequests.SaveView;
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
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1")
class SavedViewController {

    private final SavedViews views;
    private final RequestBodies bodies;

    SavedViewController(SavedViews views, RequestBodies bodies) {
        this.views = views;
        this.bodies = bodies;
    }

    @GetMapping("/boards/{id}/views")
    List<SavedView> list(@PathVariable long id) {
        return views.list(id);
    }

    @PostMapping("/boards/{id}/views")
    ResponseEntity<SavedView> save(@PathVariable long id, @Valid @RequestBody SaveView request) {
        SavedView v = views.save(id, request);
        return ResponseEntity.created(URI.create("/api/v1/views/" + v.id())).body(v);
    }

    @PatchMapping("/views/{id}")
    SavedView change(@PathVariable long id, @RequestBody JsonNode body) {
        return views.change(id, bodies.patch(body, ChangeView.class));
    }

    @DeleteMapping("/views/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id) {
        views.delete(id);
    }
}
