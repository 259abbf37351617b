package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Task priority; {@code critical} is accepted as {@code urgent} (seed 002). */
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
        String v = s.trim().toLowerCase();
        if (v.equals("critical")) {
            return URGENT;
        }
        for (Priority p : values()) {
            if (p.toString().equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException("must be one of [low, medium, high, urgent]");
    }
}
