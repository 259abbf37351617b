package dev.agentkanban.events;

/**
 * New notifications were committed somewhere (the {@code kanban_inbox} database notification of V31,
 * relayed by this instance's listener): the inbox's live delivery should look at once. Carries
 * nothing; the notifications table is what gets delivered.
 */
public record InboxWritten() {

    public static final String CHANNEL = "kanban_inbox";
    public static final InboxWritten SIGNAL = new InboxWritten();
}
