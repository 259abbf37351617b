package dev.agentkanban.events;

/** The change events a board emits; the wire name is the snake_case form used by clients (SPEC §5). */
public enum EventType {
    BOARD_CREATED,
    BOARD_UPDATED,
    BOARD_DELETED,
    COLUMNS_UPDATED,
    TASK_CREATED,
    TASK_UPDATED,
    TASK_MOVED,
    TASK_DELETED,
    TASK_CLAIMED,
    TASK_RELEASED,
    TASK_COMPLETED,
    TASK_UNBLOCKED,
    /** A reminder (issue 15): an open task's due date is within the reminder lead time. */
    TASK_DUE_SOON,
    /** A reminder (issue 15): an open task's due date has passed. */
    TASK_OVERDUE,
    COMMENT_ADDED,
    COMMENT_UPDATED,
    COMMENT_DELETED,
    TAGS_CHANGED,
    TAG_CREATED,
    TAG_UPDATED,
    TAG_DELETED,
    EVIDENCE_ADDED,
    EVIDENCE_DELETED,
    BULK_UPDATE,
    HINTS_AVAILABLE;

    public String wireName() {
        return name().toLowerCase();
    }
}
