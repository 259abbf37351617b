package dev.agentkanban.webhook;

import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.RequestBodies;
import dev.agentkanban.platform.ShownOnce;
import dev.agentkanban.webhook.WebhookRequests.CreateWebhook;
import dev.agentkanban.webhook.WebhookRequests.UpdateWebhook;
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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/webhooks")
class WebhookController {

    private final Webhooks webhooks;
    private final RequestBodies bodies;

    WebhookController(Webhooks webhooks, RequestBodies bodies) {
        this.webhooks = webhooks;
        this.bodies = bodies;
    }

    @GetMapping
    Page<Webhook> list(@RequestParam(required = false) Integer limit, @RequestParam(required = false) Long offset) {
        return webhooks.list(PageRequest.of(limit, offset));
    }

    @ShownOnce
    @PostMapping
    ResponseEntity<Webhook> create(@Valid @RequestBody CreateWebhook request) {
        Webhook webhook = webhooks.create(request);
        return ResponseEntity.created(URI.create("/api/v1/webhooks/" + webhook.id()))
                .body(webhook);
    }

    @GetMapping("/{id}")
    Webhook get(@PathVariable long id) {
        return webhooks.get(id);
    }

    @PatchMapping("/{id}")
    Webhook update(@PathVariable long id, @RequestBody JsonNode body) {
        return webhooks.update(id, bodies.patch(body, UpdateWebhook.class));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id) {
        webhooks.delete(id);
    }

    @GetMapping("/{id}/deliveries")
    Page<WebhookDelivery> deliveries(
            @PathVariable long id,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return webhooks.deliveries(id, PageRequest.of(limit, offset));
    }

    @PostMapping("/{id}/deliveries/{deliveryId}/redeliver")
    @ResponseStatus(HttpStatus.ACCEPTED)
    WebhookDelivery redeliver(@PathVariable long id, @PathVariable long deliveryId) {
        return webhooks.redeliver(id, deliveryId);
    }
}
