package dev.agentkanban.board;

/**
 * A column locked for a change of its task order ({@link Boards#lockColumnForPlacement}): its board with
 * the columns in order, the column as read under the lock, its last position leaving out the task being
 * placed (null when there is none) and how many tasks it holds.
 */
public record ColumnLock(Board board, BoardColumn column, Long lastPosition, long taskCount) {}
