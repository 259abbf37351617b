package dev.agentkanban.board;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a column means for the work in it; moving a task into a {@code done} column completes it. */
public enum ColumnKind {
    BACKLOG,
    TODO,
    IN_PROGRESS,
    BLOCKED,
    REVIEW,
    DONE;

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase();
    }

    public static ColumnKind fromWire(String s) {
        return valueOf(s.toUpperCase());
    }

    /** A sensible kind for a column the client named but did not classify. */
    public static ColumnKind inferFrom(String columnName) {
        String n = columnName.trim().toLowerCase().replaceAll("[^a-z]", "");
        return switch (n) {
            case "backlog", "notyet", "icebox", "later" -> BACKLOG;
            case "inprogress", "doing", "wip", "started", "active" -> IN_PROGRESS;
            case "blocked", "onhold", "waiting" -> BLOCKED;
            case "review", "inreview", "codereview", "testing", "qa" -> REVIEW;
            case "done", "completed", "complete", "finished", "closed" -> DONE;
            default -> TODO;
        };
    }
}
