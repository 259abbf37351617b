package dev.agentkanban.task;

import java.util.OptionalLong;

/**
 * Gap-based ordering inside a column: tasks carry positions spaced {@link #GAP} apart, and a task
 * placed between two neighbours takes the midpoint, so a move writes one row. When two neighbours
 * are adjacent integers there is no midpoint and the column is renumbered (rare).
 */
public final class Position {

    public static final long GAP = 65_536;

    private Position() {}

    /**
     * The position for a task between {@code before} and {@code after} (either may be null for the
     * start or end of the column), or empty when there is no room and the column needs renumbering.
     */
    public static OptionalLong between(Long before, Long after) {
        if (before == null && after == null) {
            return OptionalLong.of(GAP);
        }
        if (before == null) {
            return after > Long.MIN_VALUE + GAP ? OptionalLong.of(after - GAP) : OptionalLong.empty();
        }
        if (after == null) {
            return before < Long.MAX_VALUE - GAP ? OptionalLong.of(before + GAP) : OptionalLong.empty();
        }
        if (after <= before) {
            throw new IllegalArgumentException("neighbours out of order: " + before + " >= " + after);
        }
        long gap = after - before;
        return gap >= 2 ? OptionalLong.of(before + gap / 2) : OptionalLong.empty();
    }

    /** The position of the {@code index}-th task (0-based) after renumbering. */
    public static long renumbered(long index) {
        return (index + 1) * GAP;
    }
}
