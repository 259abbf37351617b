package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a person or an agent owns the work (seed 000's [user]/[agent] tag). */
public enum Owner {
    USER,
    AGENT;

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase();
    }
}
