package dev.agentkanban.field;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.hibernate.validator.constraints.CodePointLength;

/** Request bodies of the custom field API. */
public final class FieldRequests {

    private FieldRequests() {}

    static final String NOT_BLANK = ".*\\S.*";

    /** A new field of a board: a select field needs its options; {@code visible} shows it on the cards. */
    public record DefineField(
            @NotBlank @CodePointLength(max = 60, message = "must be at most 60 characters")
            String name,

            @NotNull FieldType type,
            @Size(max = 100) List<@NotBlank @Size(max = 100) String> options,
            Boolean visible,
            @Min(0) @Max(10_000) Integer position) {}

    /** The changeable parts of a field (PATCH: those sent); its type cannot change. */
    public record ChangeField(
            @CodePointLength(min = 1, max = 60, message = "must be 1 to 60 characters")
            @Pattern(regexp = NOT_BLANK, message = "must not be blank")
            String name,

            FieldType type,
            @Size(max = 100) List<@NotBlank @Size(max = 100) String> options,
            Boolean visible,
            @Min(0) @Max(10_000) Integer position) {}
}
