package dev.agentkanban.task;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /tasks} can filter and sort by; all conditions combine with AND. {@code blocked}:
 * has an open blocker (or not); {@code ready}: open and not blocked (or not); {@code parentId}: the
 * subtasks of that task; {@code archived}: true lists the archived tasks instead of those on the board
 * (tasks in the trash are never listed here, see {@link TaskArchive#trash}).
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
        Long parentId,
        Boolean archived) {

    public static TaskFilter none() {
        return new TaskFilter(
                null, null, List.of(), List.of(), null, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    /** A board's tasks (or, with {@code archived}, its archived ones; null: every board) in this order. */
    public static TaskFilter ofBoard(Long boardId, String sort, boolean archived) {
        return new TaskFilter(
                boardId, null, List.of(), List.of(), null, null, null, null, null, null, null, null, sort, null, null,
                null, archived);
    }

    /** A board's overdue tasks (open, due date passed), oldest due date first. */
    public static TaskFilter overdueOn(long boardId) {
        return new TaskFilter(
                boardId,
                null,
                List.of(),
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null,
                true,
                null,
                "due_date",
                null,
                null,
                null,
                null);
    }

    public static TaskFilter ofColumn(long columnId) {
        return new TaskFilter(
                null, columnId, List.of(), List.of(), null, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }
}
