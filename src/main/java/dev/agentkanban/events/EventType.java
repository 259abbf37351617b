package dev.agentkanban.events;

/** The change events a board emits; the wire name is the snake_case form used by clients (SPEC §5). */
public enum EventType {
    BOARD_CREATED,
    BOARD_UPDATED,
    BOARD_DELETED,
    COLUMNS_UPDATED,
    FIELDS_CHANGED,
    VIEWS_CHANGED,
    TASK_CREATED,
    TASK_UPDATED,
    TASK_MOVED,
    TASK_DELETED,
    TASK_ARCHIVED,
    TASK_RESTORED,
    TASK_CLAIMED,
    TASK_RELEASED,
    TASK_COMPLETED,
    TASK_UNBLOCKED,
    TASK_BLOCKED,
    /** A reminder (issue 15): an open task's due date is within the reminder lead time. */
    TASK_DUE_SOON,
    /** A reminder (issue 15): an open task's due date has passed. */
    TASK_OVERDUE,
    /**
     * An automation rule's "notify someone" action (issue 15): the payload names the member to notify
     * ({@code user_id}), the rule ({@code rule_id}, {@code rule_name}) and its {@code message}.
     */
    RULE_NOTIFICATION,
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
