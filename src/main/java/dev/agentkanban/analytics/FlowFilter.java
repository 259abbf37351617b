package dev.agentkanban.analytics;

/**
 * Which tasks of a board the flow figures cover: all (every field null), or those whose current epic,
 * tag or assignee matches (case-sensitive for epic and assignee, case-insensitive for the tag name).
 * A filtered view leaves out deleted tasks, whose attributes are gone.
 */
public record FlowFilter(String epic, String tag, String assignee) {

    public static final FlowFilter NONE = new FlowFilter(null, null, null);

    boolean isEmpty() {
        return epic == null && tag == null && assignee == null;
    }
}
