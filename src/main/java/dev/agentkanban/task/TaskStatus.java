package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonValue;

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

    static TaskStatus fromWire(String s) {
        return valueOf(s.toUpperCase());
    }
}
