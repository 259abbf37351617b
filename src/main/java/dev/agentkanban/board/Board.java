package dev.agentkanban.board;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.agentkanban.platform.ApiException;
import java.time.Instant;
import java.util.List;

/** A board with its columns in order. */
public record Board(
        long id,
        long workspaceId,
        String name,
        String description,
        long version,
        String createdBy,
        Instant createdAt,
        Instant updatedAt,
        List<BoardColumn> columns) {

    Board withColumns(List<BoardColumn> cols) {
        return new Board(id, workspaceId, name, description, version, createdBy, createdAt, updatedAt, cols);
    }

    /** The column of this board with this id; 404 when it is not on this board. */
    @JsonIgnore
    public BoardColumn column(long columnId) {
        return columns.stream()
                .filter(c -> c.id() == columnId)
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("column", columnId));
    }

    @JsonIgnore
    public BoardColumn firstOfKind(ColumnKind kind) {
        return columns.stream().filter(c -> c.kind() == kind).findFirst().orElse(null);
    }

    /** Where reopened work goes back to: the first to-do column, else the first column that is not done (or null). */
    @JsonIgnore
    public BoardColumn reopenColumn() {
        BoardColumn todo = firstOfKind(ColumnKind.TODO);
        return todo != null
                ? todo
                : columns.stream().filter(c -> !c.isDone()).findFirst().orElse(null);
    }
}
