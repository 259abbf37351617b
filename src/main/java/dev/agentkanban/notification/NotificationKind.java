package dev.agentkanban.notification;

/** What a notification is about; the wire name is the lowercase name. */
enum NotificationKind {
    ASSIGNED,
    MENTIONED,
    COMMENTED,
    MOVED,
    COMPLETED,
    DUE_SOON,
    OVERDUE,
    UNBLOCKED,
    RULE;

    String wire() {
        return name().toLowerCase();
    }
}
