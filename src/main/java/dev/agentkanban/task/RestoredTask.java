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
        Instant claimExpiresAt,
        Map<String, Object> customFields) {

    /** A restored task without custom field values. */
    public RestoredTask(
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
        this(
                boardId,
                columnId,
                position,
                title,
                description,
                acceptanceCriteria,
                status,
                cancelReason,
                priority,
                epic,
                area,
                owner,
                assignee,
                createdBy,
                dueDate,
                occurrenceCount,
                metadata,
                createdAt,
                completedAt,
                columnEnteredAt,
                claimedBy,
                claimExpiresAt,
                Map.of());
    }

    /** This task with custom field values (by field key, as {@code field.CustomFields.apply} gives them). */
    public RestoredTask withCustomFields(Map<String, Object> values) {
        return new RestoredTask(
                boardId,
                columnId,
                position,
                title,
                description,
                acceptanceCriteria,
                status,
                cancelReason,
                priority,
                epic,
                area,
                owner,
                assignee,
                createdBy,
                dueDate,
                occurrenceCount,
                metadata,
                createdAt,
                completedAt,
                columnEnteredAt,
                claimedBy,
                claimExpiresAt,
                values);
    }

    /** A new task as the API creates it: pending, unclaimed, every time left to the triggers. */
    static RestoredTask created(Task t) {
        TaskContent c = t.content();
        return new RestoredTask(
                t.boardId(),
                t.columnId(),
                t.position(),
                c.title(),
                c.description(),
                c.acceptanceCriteria(),
                t.status().toString(),
                null,
                c.priority().toString(),
                c.epic(),
                c.area(),
                c.owner() == null ? null : c.owner().toString(),
                c.assignee(),
                t.createdBy(),
                c.dueDate(),
                c.occurrenceCount(),
                c.metadata(),
                null,
                null,
                null,
                null,
                null,
                t.customFields());
    }
}
