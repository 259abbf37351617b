package dev.agentkanban.hint;

import com.fasterxml.jackson.annotation.JsonValue;

/** A hint waits ({@code pending}) until someone applies or dismisses it; then it stays as it was resolved. */
public enum HintStatus {
    PENDING,
    APPLIED,
    DISMISSED;

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase();
    }
}
