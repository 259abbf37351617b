package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.agentkanban.platform.WireEnums;

/**
 * Task priority, in rising order: the declaration order is the one rule for "more urgent" (the SQL
 * function {@code priority_rank} of V22 ranks the same way, checked by PriorityRankTest; clients read
 * the order from {@code GET /api/v1/status}). {@code critical} is accepted as {@code urgent} (seed 002).
 */
public enum Priority {
    LOW,
    MEDIUM,
    HIGH,
    URGENT;

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static Priority fromWire(String s) {
        if (s == null) {
            return null;
        }
        return s.trim().equalsIgnoreCase("critical") ? URGENT : WireEnums.named(Priority.class, s);
    }

    /** The wire names from least to most urgent. */
    public static java.util.List<String> wireNames() {
        return java.util.Arrays.stream(values()).map(Priority::toString).toList();
    }
}
