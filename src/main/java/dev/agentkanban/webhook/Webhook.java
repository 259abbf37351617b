package dev.agentkanban.webhook;

import java.time.Instant;
import java.util.List;

/**
 * A webhook subscription of a workspace: where to POST, which event types (empty: all), optionally
 * only one board's events. The signing {@code secret} is shown once, in the response that created
 * (or replaced) it, and is null everywhere else.
 */
record Webhook(
        long id,
        String url,
        List<String> eventTypes,
        Long boardId,
        boolean active,
        String secret,
        String createdBy,
        Instant createdAt,
        Instant updatedAt) {

    Webhook withSecret(String secret) {
        return new Webhook(id, url, eventTypes, boardId, active, secret, createdBy, createdAt, updatedAt);
    }
}
