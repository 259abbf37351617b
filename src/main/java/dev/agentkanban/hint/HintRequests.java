package dev.agentkanban.hint;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** Request bodies of the hint API. */
final class HintRequests {

    static final int MAX_MESSAGE = 2000;
    static final int MAX_SOURCE = 200;

    private HintRequests() {}

    /**
     * A new hint for a task. {@code type} is one of {@link HintType}; {@code source} defaults to the
     * caller; {@code sourceKey}, when given, makes the request idempotent in the workspace.
     */
    public record CreateHint(
            @NotBlank String type,
            @NotBlank @Size(max = MAX_MESSAGE) String message,
            Map<String, Object> suggestion,

            @Size(max = MAX_SOURCE) @Pattern(regexp = "^(?s).*\\S.*$", message = "must not be blank")
            String source,

            @Size(min = 1, max = MAX_SOURCE) @Pattern(regexp = "^\\S+$", message = "must not contain whitespace")
            String sourceKey) {}
}
