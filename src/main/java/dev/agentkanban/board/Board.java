package dev.agentkanban.board;

import com.fasterxml.jackson.annotation.JsonIgnore;
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

    @JsonIgnore
    public BoardColumn firstOfKind(ColumnKind kind) {
        return columns.stream().filter(c -> c.kind() == kind).findFirst().orElse(null);
    }
}
