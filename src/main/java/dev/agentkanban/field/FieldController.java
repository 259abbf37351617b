package dev.agentkanban.field;

import dev.agentkanban.field.FieldRequests.ChangeField;
import dev.agentkanban.field.FieldRequests.DefineField;
import dev.agentkanban.platform.RequestBodies;
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
class FieldController {

    private final CustomFields fields;
    private final RequestBodies bodies;

    FieldController(CustomFields fields, RequestBodies bodies) {
        this.fields = fields;
        this.bodies = bodies;
    }

    @GetMapping("/boards/{id}/fields")
    List<CustomField> list(@PathVariable long id) {
        return fields.list(id);
    }

    @PostMapping("/boards/{id}/fields")
    ResponseEntity<CustomField> define(@PathVariable long id, @Valid @RequestBody DefineField request) {
        CustomField f = fields.define(id, request);
        return ResponseEntity.created(URI.create("/api/v1/fields/" + f.id())).body(f);
    }

    @PatchMapping("/fields/{id}")
    CustomField change(@PathVariable long id, @RequestBody JsonNode body) {
        return fields.change(id, bodies.patch(body, ChangeField.class));
    }

    @DeleteMapping("/fields/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void remove(@PathVariable long id) {
        fields.remove(id);
    }
}
