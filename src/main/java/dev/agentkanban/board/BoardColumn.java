package dev.agentkanban.board;

/** A column of a board, in board order. */
public record BoardColumn(long id, long boardId, String name, int position, ColumnKind kind, Integer wipLimit) {

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDone() {
        return kind == ColumnKind.DONE;
    }
}
