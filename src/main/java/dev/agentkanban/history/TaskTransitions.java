package dev.agentkanban.history;

import java.time.Instant;
import java.util.List;

/**
 * The columns a task has passed through, oldest first. The first transition is the creation (no
 * {@code from} column); each later one is a move with the time spent in the column it left.
 * {@code current} is absent when the task has been deleted (in the trash or purged).
 */
record TaskTransitions(long taskId, List<Transition> transitions, Current current) {

    /** Column names are null when the column no longer exists. */
    public record Transition(
            Long fromColumnId,
            String fromColumn,
            Long toColumnId,
            String toColumn,
            Instant at,
            String actor,
            Double secondsInPrevious) {}

    /** The column the task is in now, since when, and for how long so far. */
    public record Current(long columnId, String column, Instant since, double seconds) {}
}
