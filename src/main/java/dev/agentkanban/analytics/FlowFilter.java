package dev.agentkanban.analytics;

/**
 * Which tasks of a board the flow figures cover: all (every field null), or those whose current epic,
 * tag or assignee matches (case-sensitive for epic, case-insensitive for the tag name; the assignee is
 * the free-text name or a member assignee, {@code me} the caller).
 * Tasks now in the trash (or purged) are left out of the completions (throughput, lead and cycle
 * times, forecasts, performance) unless {@code includeTrashed}; the cumulative flow counts every task
 * on the days it was on the board, and a filter, which reads the task's current attributes, drops
 * purged tasks (docs/analytics.md).
 */
public record FlowFilter(String epic, String tag, String assignee, boolean includeTrashed) {

    public static final FlowFilter NONE = new FlowFilter(null, null, null);

    public FlowFilter(String epic, String tag, String assignee) {
        this(epic, tag, assignee, false);
    }

    /** No epic, tag or assignee filter (whether trashed tasks count does not make a view filtered). */
    boolean isEmpty() {
        return epic == null && tag == null && assignee == null;
    }

    FlowFilter withTrashed(Boolean include) {
        return new FlowFilter(epic, tag, assignee, Boolean.TRUE.equals(include));
    }
}
