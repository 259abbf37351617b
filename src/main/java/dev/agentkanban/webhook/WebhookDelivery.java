package dev.agentkanban.webhook;

import java.time.Instant;

/**
 * One event sent (or to be sent) to one webhook: {@code pending} until a 2xx answer
 * ({@code delivered}) or until retries run out ({@code failed}); {@code response_code} and
 * {@code last_error} are from the latest attempt, and {@code response_excerpt} is the start of its
 * response body (up to 500 characters, control characters removed).
 */
record WebhookDelivery(
        long id,
        long webhookId,
        long eventId,
        String eventType,
        String status,
        int attempts,
        Integer responseCode,
        String lastError,
        String responseExcerpt,
        Instant queuedAt,
        Instant lastAttemptAt,
        Instant nextAttemptAt,
        Instant deliveredAt) {}
