package dev.agentkanban.notification;

import java.time.Instant;

/**
 * One entry of a member's inbox: what happened ({@code kind}), on which task, by whom ({@code actor}:
 * a username, {@code system} for reminders, {@code rule:<name>} for automation; {@code actorDisplayName}
 * the member's display name, or the actor itself when there is none), when, and whether it has been read.
 * {@code eventId} is the change-feed event it came from.
 */
public record Notification(
        long id,
        String kind,
        long eventId,
        Long taskId,
        Long boardId,
        String actor,
        String actorDisplayName,
        String title,
        String excerpt,
        Instant createdAt,
        boolean read,
        Instant readAt) {}
