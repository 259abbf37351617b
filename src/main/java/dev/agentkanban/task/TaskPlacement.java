package dev.agentkanban.task;

import dev.agentkanban.board.BoardColumn;

/** Where a task sits: its board, its column, and its position in the column's order ({@link Position}). */
record TaskPlacement(long boardId, long columnId, long position) {

    /** At {@code position} in {@code column}. */
    static TaskPlacement in(BoardColumn column, long position) {
        return new TaskPlacement(column.boardId(), column.id(), position);
    }

    /** The same column, another position. */
    TaskPlacement at(long newPosition) {
        return new TaskPlacement(boardId, columnId, newPosition);
    }
}
