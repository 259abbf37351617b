package dev.agentkanban.task;

import java.time.Instant;

/**
 * A task in the trash: restorable ({@code POST /tasks/{id}/restore}) until {@code purgeAfter}, when
 * the retention job removes it for good. {@code archivedAt} is set when it was archived before.
 */
public record TrashedTask(
        long id,
        long boardId,
        String board,
        long columnId,
        String column,
        String title,
        TaskStatus status,
        Priority priority,
        Instant archivedAt,
        Instant deletedAt,
        String deletedBy,
        Instant purgeAfter) {

    TrashedTask purgedAfter(Instant when) {
        return new TrashedTask(
                id, boardId, board, columnId, column, title, status, priority, archivedAt, deletedAt, deletedBy, when);
    }
}
