package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A relation as one of its tasks names it. {@code blocks}/{@code blocked_by} and {@code parent}/
 * {@code child} are the two views of one stored row; {@code relates_to} is symmetric;
 * {@code duplicate_of}/{@code duplicated_by} are the two views of a duplicate.
 */
public enum RelationKind {
    BLOCKS("blocks", true),
    BLOCKED_BY("blocks", false),
    PARENT("parent", false),
    CHILD("parent", true),
    RELATES_TO("relates_to", true),
    DUPLICATE_OF("duplicate_of", true),
    DUPLICATED_BY("duplicate_of", false);

    /** The stored kind (V20). */
    final String stored;
    /** Whether the naming task is the stored row's {@code from_task_id}. */
    final boolean outgoing;

    RelationKind(String stored, boolean outgoing) {
        this.stored = stored;
        this.outgoing = outgoing;
    }

    /** How a stored row reads from one of its tasks. */
    static RelationKind of(String stored, boolean outgoing) {
        for (RelationKind k : values()) {
            if (k.stored.equals(stored) && (k.outgoing == outgoing || k == RELATES_TO)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown relation kind " + stored);
    }

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase();
    }
}
