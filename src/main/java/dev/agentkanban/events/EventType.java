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
    TASK_ARCHIVED,
    TASK_RESTORED,
    TASK_CLAIMED,
    TASK_RELEASED,
    TASK_COMPLETED,
    TASK_UNBLOCKED,
    TASK_BLOCKED,
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
    HINTS_AVAILABLE,
    /** An automation rule's "notify" action: {@code {user_id, rule_id, rule_name, message}} on the task (issue 15). */
    RULE_NOTIFICATION;

    public String wireName() {
        return name().toLowerCase();
    }
}
