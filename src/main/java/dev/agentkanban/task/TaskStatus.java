package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.agentkanban.board.BoardColumn;

/** Where a task is in its life. {@code overdue} is computed from the due date, never stored. */
public enum TaskStatus {
    PENDING,
    IN_PROGRESS,
    COMPLETED,
    CANCELLED;

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase();
    }

    public boolean isOpen() {
        return this == PENDING || this == IN_PROGRESS;
    }

    /** Whether a task of this status may sit in {@code column}: a done column holds completed (or cancelled) tasks only, and a completed task sits in a done column. */
    public boolean fits(BoardColumn column) {
        return column.isDone() ? this == COMPLETED || this == CANCELLED : this != COMPLETED;
    }

    static TaskStatus fromWire(String s) {
        return valueOf(s.toUpperCase());
    }
}
