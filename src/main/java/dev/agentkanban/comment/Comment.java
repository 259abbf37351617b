package dev.agentkanban.comment;

import java.time.Instant;

/**
 * One comment on a task. {@code author} is the actor who wrote it; only they (or an admin) may change it.
 * {@code authorDisplayName} is that user's display name as it is now (the author name when there is none).
 */
public record Comment(
        long id,
        long taskId,
        String author,
        String authorDisplayName,
        String body,
        Instant createdAt,
        Instant updatedAt) {}
