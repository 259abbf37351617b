/**
 * Webhooks: per-workspace subscriptions to change events, delivered from the durable outbox with
 * HMAC-SHA256 signatures, retries with exponential backoff for over 24 hours, a delivery log and
 * redelivery. At least once, across restarts, and not necessarily in event order: a receiver
 * de-duplicates by {@code X-Kanban-Event-Id} and orders by it where it cares.
 */
package dev.agentkanban.webhook;
