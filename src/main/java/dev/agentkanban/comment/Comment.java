package dev.agentkanban.comment;

import java.time.Instant;

/** One comment on a task. {@code author} is the actor who wrote it; only they (or an admin) may change it. */
public record Comment(long id, long taskId, String author, String body, Instant createdAt, Instant updatedAt) {}
