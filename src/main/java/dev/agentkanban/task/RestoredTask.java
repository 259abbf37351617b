package dev.agentkanban.task;

import java.time.Instant;
import java.util.Map;

/**
 * A task as it was elsewhere (an import or a restore), with what the import knows: its status, times,
 * claim and author. Values are as on the wire ({@code "in_progress"}, {@code "high"}); the database's
 * checks refuse what is not valid. Null times are left to the triggers (now).
 */
public record RestoredTask(
        long boardId,
        long columnId,
        long position,
        String title,
        String description,
        String acceptanceCriteria,
        String status,
        String cancelReason,
        String priority,
        String epic,
        String area,
        String owner,
        String assignee,
        String createdBy,
        Instant dueDate,
        int occurrenceCount,
        Map<String, Object> metadata,
        Instant createdAt,
        Instant completedAt,
        Instant columnEnteredAt,
        String claimedBy,
        Instant claimExpiresAt) {

    /** A new task as the API creates it: pending, unclaimed, every time left to the triggers. */
    static RestoredTask created(Task t) {
        return new RestoredTask(
                t.boardId,
                t.columnId,
                t.position,
                t.title,
                t.description,
                t.acceptanceCriteria,
                t.status.toString(),
                null,
                t.priority.toString(),
                t.epic,
                t.area,
                t.owner == null ? null : t.owner.toString(),
                t.assignee,
                t.createdBy,
                t.dueDate,
                t.occurrenceCount,
                t.metadata,
                null,
                null,
                null,
                null,
                null);
    }
}
