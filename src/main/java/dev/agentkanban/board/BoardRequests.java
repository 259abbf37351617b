package dev.agentkanban.board;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Request bodies of the board API. */
public final class BoardRequests {

    private BoardRequests() {}

    public record CreateBoard(
            @NotBlank @Size(max = 200) String name,
            @Size(max = 10000) String description,
            @Size(min = 1, max = 50) List<@Valid ColumnSpec> columns) {}

    public record UpdateBoard(@NotBlank @Size(max = 200) String name, @Size(max = 10000) String description) {}

    /** A column as the client wants it; {@code id} names an existing column in a full replacement. */
    public record ColumnSpec(
            Long id,
            @NotBlank @Size(max = 100) String name,
            ColumnKind kind,
            @Min(1) Integer wipLimit) {}

    public record ReplaceColumns(@NotNull @Size(min = 1, max = 50) List<@Valid ColumnSpec> columns) {}

    public record AddColumn(
            @NotBlank @Size(max = 100) String name,
            ColumnKind kind,
            @Min(1) Integer wipLimit,
            @Min(0) Integer position) {}

    public record UpdateColumn(
            @NotBlank @Size(max = 100) String name,
            ColumnKind kind,
            @Min(1) Integer wipLimit,
            @Min(0) Integer position) {}
}
