package dev.agentkanban.worker;

import java.time.Instant;
import java.util.List;

/** A task as the worker's projection holds it: the fields the agents look at, as of the newest event seen. */
record WorkerTask(
        long id,
        long boardId,
        long columnId,
        String title,
        String description,
        String acceptanceCriteria,
        String status,
        String priority,
        String epic,
        List<String> tags,
        long version,
        Instant updatedAt) {

    boolean open() {
        return status.equals("pending") || status.equals("in_progress");
    }

    /** Title and description, lower case, for keyword rules. */
    String text() {
        return (title + "\n" + (description == null ? "" : description)).toLowerCase(java.util.Locale.ROOT);
    }
}
