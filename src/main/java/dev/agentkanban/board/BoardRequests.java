package dev.agentkanban.board;

import com.fasterxml.jackson.annotation.JsonCreator;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.hibernate.validator.constraints.CodePointLength;

/** Request bodies of the board API. */
public final class BoardRequests {

    private BoardRequests() {}

    public record CreateBoard(
            @NotBlank @CodePointLength(max = 200, message = "must be at most 200 characters")
            String name,

            @CodePointLength(max = 10000, message = "must be at most 10000 characters")
            String description,

            @Size(min = 1, max = 50) List<@NotNull @Valid ColumnSpec> columns) {}

    public record UpdateBoard(
            @NotBlank @CodePointLength(max = 200, message = "must be at most 200 characters")
            String name,

            @CodePointLength(max = 10000, message = "must be at most 10000 characters")
            String description,

            @Size(min = 1, max = 50) List<@NotNull @Valid ColumnSpec> columns) {}

    /**
     * A column as the client wants it; {@code id} names an existing column in a full replacement. A
     * plain string is a column of that name whose kind is inferred from it, as seed 002's clients send
     * columns ({@code "columns": ["Backlog", "In Progress", "Testing", "Done"]}).
     */
    public record ColumnSpec(
            Long id,

            @NotBlank @CodePointLength(max = 100, message = "must be at most 100 characters")
            String name,

            ColumnKind kind,
            @Min(1) Integer wipLimit) {

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public ColumnSpec {}

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static ColumnSpec named(String name) {
            return new ColumnSpec(null, name, null, null);
        }
    }

    /** {@code {"columns": [...]}}, or the bare array (the shape {@code GET /boards/{id}/columns} answers). */
    public record ReplaceColumns(
            @NotNull @Size(min = 1, max = 50) List<@NotNull @Valid ColumnSpec> columns) {

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public ReplaceColumns {}

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static ReplaceColumns of(List<ColumnSpec> columns) {
            return new ReplaceColumns(columns);
        }
    }

    public record AddColumn(
            @NotBlank @CodePointLength(max = 100, message = "must be at most 100 characters")
            String name,

            ColumnKind kind,
            @Min(1) Integer wipLimit,
            @Min(0) Integer position) {}

    public record UpdateColumn(
            @NotBlank @CodePointLength(max = 100, message = "must be at most 100 characters")
            String name,

            ColumnKind kind,
            @Min(1) Integer wipLimit,
            @Min(0) Integer position) {}
}
