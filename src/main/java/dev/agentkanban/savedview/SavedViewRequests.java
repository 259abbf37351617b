package dev.agentkanban.savedview;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** Request bodies of the saved view API. */
final class SavedViewRequests {

    private SavedViewRequests() {}

    static final String NOT_BLANK = ".*\\S.*";

    record SaveView(
            @NotBlank @Size(max = 100) String name,
            @NotNull @Size(max = 30) Map<String, String> filters,
            Boolean shared) {}

    record ChangeView(
            @Size(min = 1, max = 100) @Pattern(regexp = NOT_BLANK, message = "must not be blank")
            String name,

            @Size(max = 30) Map<String, String> filters,
            Boolean shared) {}
}
