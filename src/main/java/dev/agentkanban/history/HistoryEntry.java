package dev.agentkanban.history;

import java.time.Instant;

/**
 * One row of the audit trail as written by the database triggers and the features. For a move,
 * {@code field} is {@code column}, the values are column ids and {@code from_column}/{@code to_column}
 * name those columns (null for other rows, and once a column is deleted); a description change records
 * no values.
 */
record HistoryEntry(
        long id,
        long taskId,
        Long boardId,
        String action,
        String field,
        String oldValue,
        String newValue,
        String actor,
        Instant occurredAt,
        String fromColumn,
        String toColumn) {}
