package dev.agentkanban.hint;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Set;

/**
 * What a hint is about, and what applying it does. Field hints set task fields named by their
 * suggestion's keys; a tags hint adds tags by name; the informational kinds (actions, duplicate,
 * stale, wip) change nothing on the task: applying one records that it was acted on.
 */
enum HintType {
    TITLE(Set.of("title")),
    DESCRIPTION(Set.of("description", "acceptance_criteria")),
    PRIORITY(Set.of("priority")),
    EPIC(Set.of("epic")),
    TAGS(Set.of("tags")),
    ACTIONS(null),
    DUPLICATE(null),
    STALE(null),
    WIP(null);

    /** The suggestion keys a hint of this type may (and must, at least one) carry; null: any object. */
    final Set<String> keys;

    HintType(Set<String> keys) {
        this.keys = keys;
    }

    /** True when applying changes nothing on the task. */
    public boolean informational() {
        return keys == null;
    }

    /** True when applying sets task fields through the task update. */
    boolean setsFields() {
        return keys != null && this != TAGS;
    }

    static List<String> wireNames() {
        return java.util.Arrays.stream(values()).map(HintType::toString).toList();
    }

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase();
    }
}
