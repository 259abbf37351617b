package dev.agentkanban.field;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;

/** The type of a custom field: what its values are and how they compare when filtered and sorted. */
public enum FieldType {
    TEXT,
    NUMBER,
    DATE,
    SINGLE_SELECT,
    MULTI_SELECT,
    CHECKBOX,
    MEMBER,
    URL;

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static FieldType fromWire(String s) {
        if (s == null) {
            return null;
        }
        String v = s.trim().toLowerCase();
        for (FieldType t : values()) {
            if (t.toString().equals(v)) {
                return t;
            }
        }
        throw new IllegalArgumentException("must be one of " + wireNames());
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(FieldType::toString).toList();
    }

    /** Whether the field takes its values from its options. */
    public boolean selects() {
        return this == SINGLE_SELECT || this == MULTI_SELECT;
    }

    /** Whether filters may compare values by order ({@code gt:}, {@code lt:}, ...). */
    public boolean ordered() {
        return this == NUMBER || this == DATE;
    }
}
