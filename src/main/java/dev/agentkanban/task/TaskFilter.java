package dev.agentkanban.task;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /tasks} can filter and sort by; all conditions combine with AND. {@code blocked}:
 * has an open blocker (or not); {@code ready}: open and not blocked (or not); {@code parentId}: the
 * subtasks of that task; {@code archived}: true lists the archived tasks instead of those on the board
 * (tasks in the trash are never listed here, see {@link TaskArchive#trash}). {@code assignee}: a member's
 * username ({@code me}: the caller) or a free-text name; {@code unassigned}: has no assignee at all (or
 * has one); {@code fields}: custom field conditions by field name ({@code cf.<name>=<condition>}, see
 * {@link FieldCondition}).
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
        Boolean archived,
        Boolean unassigned,
        Map<String, String> fields) {

    /** The custom field conditions among query parameters: {@code cf.<name>} by name, in their order. */
    public static Map<String, String> fieldConditions(Map<String, ?> params) {
        Map<String, String> conditions = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (k.startsWith("cf.") && v != null) {
                conditions.put(k.substring(3), v.toString());
            }
        });
        return conditions;
    }

    public static TaskFilter none() {
        return new TaskFilter(
                null, null, List.of(), List.of(), null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, Map.of());
    }

    /** A board's tasks (or, with {@code archived}, its archived ones; null: every board) in this order. */
    public static TaskFilter ofBoard(Long boardId, String sort, boolean archived) {
        return new TaskFilter(
                boardId, null, List.of(), List.of(), null, null, null, null, null, null, null, null, sort, null, null,
                null, archived, null, Map.of());
    }

    /** The caller's own open tasks (MCP list_my_tasks), optionally on one board. */
    public static TaskFilter mine(Long boardId, List<TaskStatus> statuses) {
        return new TaskFilter(
                boardId,
                null,
                statuses,
                List.of(),
                null,
                ME,
                null,
                null,
                null,
                null,
                null,
                null,
                "-priority",
                null,
                null,
                null,
                null,
                null,
                Map.of());
    }

    /** The assignee filter's name for the caller. */
    public static final String ME = "me";

    /** A board's overdue tasks (open, due date passed), oldest due date first (the rules' due-date scan). */
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
                null,
                null,
                Map.of());
    }

    public static TaskFilter ofColumn(long columnId) {
        return new TaskFilter(
                null, columnId, List.of(), List.of(), null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, Map.of());
    }
}
