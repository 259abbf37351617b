package dev.agentkanban.task;

import dev.agentkanban.task.TaskTagging.TaskTag;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A task as clients see it: the row plus its column name, tags, comment count and computed state,
 * and its place in the work breakdown: blocked (with its open blockers), parent, subtask and
 * checklist progress. {@code archivedAt} is set while the task is archived (off the board, see
 * {@link TaskArchive}). {@code assignees}: the usernames of the members assigned to it, in the order they
 * were assigned ({@code assignee}, seed 002's single name, is the first of them or a free-text name).
 * {@code fields}: its custom field values by field name, in the board's order of its fields.
 */
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
        Instant archivedAt,
        long timeInColumnSeconds,
        long commentCount,
        List<TaskTag> tags,
        boolean blocked,
        List<TaskLink> blockers,
        Long parentId,
        Progress subtasks,
        Progress checklist,
        List<String> assignees,
        Map<String, Object> fields) {

    /** How much of a part is done: completed subtasks (cancelled ones do not count), ticked checklist items. */
    public record Progress(long done, long total) {
        static final Progress NONE = new Progress(0, 0);
    }

    /** A task's place in the work breakdown (issue 14), read for many tasks at once. */
    record Breakdown(List<TaskLink> blockers, Long parentId, Progress subtasks, Progress checklist) {
        static final Breakdown NONE = new Breakdown(List.of(), null, Progress.NONE, Progress.NONE);
    }

    TaskView withTags(List<TaskTag> t) {
        return new TaskView(
                id,
                workspaceId,
                boardId,
                columnId,
                column,
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
                claimedBy,
                claimExpiresAt,
                dueDate,
                overdue,
                occurrenceCount,
                metadata,
                version,
                createdAt,
                updatedAt,
                columnEnteredAt,
                completedAt,
                archivedAt,
                timeInColumnSeconds,
                commentCount,
                t,
                blocked,
                blockers,
                parentId,
                subtasks,
                checklist,
                assignees,
                fields);
    }

    TaskView withBreakdown(Breakdown b) {
        return new TaskView(
                id,
                workspaceId,
                boardId,
                columnId,
                column,
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
                claimedBy,
                claimExpiresAt,
                dueDate,
                overdue,
                occurrenceCount,
                metadata,
                version,
                createdAt,
                updatedAt,
                columnEnteredAt,
                completedAt,
                archivedAt,
                timeInColumnSeconds,
                commentCount,
                tags,
                !b.blockers().isEmpty(),
                b.blockers(),
                b.parentId(),
                b.subtasks(),
                b.checklist(),
                assignees,
                fields);
    }
}
