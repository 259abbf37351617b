package dev.agentkanban.identity;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a caller may do in a workspace, from least to most: a viewer reads; an agent also works on
 * tasks, comments, tags and evidence; a member also manages boards and columns; an admin also
 * manages the workspace, its members and their tokens.
 */
public enum Role {
    VIEWER,
    AGENT,
    MEMBER,
    ADMIN;

    public boolean canWrite() {
        return this != VIEWER;
    }

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    public static Role lower(Role a, Role b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase();
    }

    public static Role fromWire(String s) {
        return valueOf(s.trim().toUpperCase());
    }
}
