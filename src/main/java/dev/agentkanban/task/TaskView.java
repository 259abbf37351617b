package dev.agentkanban.task;

import dev.agentkanban.task.TaskTagging.TaskTag;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A task as clients see it: the row plus its column name, tags, comment count and computed state. */
public record TaskView(
        long id,
        long workspaceId,
        long boardId,
        long columnId,
        String column,
        long position,
        String title,
        String description,
        String acceptanceCriteria,
        TaskStatus status,
        String cancelReason,
        Priority priority,
        String epic,
        String area,
        Owner owner,
        String assignee,
        String createdBy,
        String claimedBy,
        Instant claimExpiresAt,
        Instant dueDate,
        boolean overdue,
        int occurrenceCount,
        Map<String, Object> metadata,
        long version,
        Instant createdAt,
        Instant updatedAt,
        Instant columnEnteredAt,
        Instant completedAt,
        long timeInColumnSeconds,
        long commentCount,
        List<TaskTag> tags) {

    TaskView withTags(List<TaskTag> t) {
        return new TaskView(id, workspaceId, boardId, columnId, column, position, title, description, acceptanceCriteria,
                status, cancelReason, priority, epic, area, owner, assignee, createdBy, claimedBy, claimExpiresAt, dueDate,
                overdue, occurrenceCount, metadata, version, createdAt, updatedAt, columnEnteredAt, completedAt,
                timeInColumnSeconds, commentCount, t);
    }
}
