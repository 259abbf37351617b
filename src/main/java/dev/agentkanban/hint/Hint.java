package dev.agentkanban.hint;

import java.time.Instant;
import java.util.Map;

/**
 * A suggestion for a task. {@code suggestion} is the proposed change ({@code {"priority": "high"}},
 * {@code {"tags": ["bug"]}}, or facts for an informational hint); {@code source} says who proposed it
 * (a worker agent's name, or the person who wrote it); {@code sourceKey} is the proposer's idempotency
 * key, unique in the workspace.
 */
public record Hint(
        long id,
        long taskId,
        HintType type,
        HintStatus status,
        String message,
        Map<String, Object> suggestion,
        String source,
        String sourceKey,
        Instant createdAt,
        Instant resolvedAt,
        String resolvedBy) {}
