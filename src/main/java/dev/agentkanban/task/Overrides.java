package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.agentkanban.platform.WireEnums;

/**
 * What a caller may ask a lifecycle change to override (issue 14): {@code force} starts, moves or
 * completes a task despite open blockers (members only, recorded in the history); {@code cascade}
 * completes a parent with open subtasks by completing or cancelling them, or deletes a parent with
 * its subtasks (or detaches them).
 */
public record Overrides(boolean force, Cascade cascade) {

    public static final Overrides NONE = new Overrides(false, null);

    /** What happens to the open subtasks of a parent being completed, or to all subtasks of one being deleted. */
    public enum Cascade {
        COMPLETE,
        CANCEL,
        DELETE,
        DETACH;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /** From request parameters: {@code force} (absent means false) and {@code cascade} (a wire name or absent). */
    public static Overrides of(Boolean force, String cascade) {
        return new Overrides(Boolean.TRUE.equals(force), WireEnums.parse(Cascade.class, "cascade", cascade));
    }
}
