package dev.agentkanban.task;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /tasks} can filter and sort by; all conditions combine with AND. {@code blocked}:
 * has an open blocker (or not); {@code ready}: open and not blocked (or not); {@code parentId}: the
 * subtasks of that task.
 */
public record TaskFilter(
        Long boardId,
        Long columnId,
        List<TaskStatus> statuses,
        List<Priority> priorities,
        String epic,
        String assignee,
        String tag,
        Owner owner,
        Instant dueBefore,
        Instant dueAfter,
        Boolean overdue,
        String q,
        String sort,
        Boolean blocked,
        Boolean ready,
        Long parentId) {

    public static TaskFilter none() {
        return new TaskFilter(
                null, null, List.of(), List.of(), null, null, null, null, null, null, null, null, null, null, null,
                null);
    }

    public static TaskFilter ofColumn(long columnId) {
        return new TaskFilter(
                null, columnId, List.of(), List.of(), null, null, null, null, null, null, null, null, null, null, null,
                null);
    }
}
