package dev.agentkanban.field;

import java.util.List;

/**
 * A field a board defines for its tasks. {@code visible}: shown on the cards of the board (every field
 * shows in the card's panel); {@code options}: the choices of a select field (empty otherwise). Tasks
 * store their values by the field's id, so renaming a field keeps them.
 */
public record CustomField(
        long id, long boardId, String name, FieldType type, List<String> options, boolean visible, int position) {

    /** This field at another place in its board's list. */
    CustomField at(int newPosition) {
        return new CustomField(id, boardId, name, type, options, visible, newPosition);
    }

    /** The key of this field's value in a task's stored values. */
    public String key() {
        return Long.toString(id);
    }
}
