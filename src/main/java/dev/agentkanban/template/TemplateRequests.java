package dev.agentkanban.template;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Request bodies of the template API. */
final class TemplateRequests {

    private TemplateRequests() {}

    /** A board from a template; without a name the board takes the template's. */
    record CreateFromTemplate(
            @Size(max = 200, message = "must be at most 200 characters")
            String name,

            @Size(max = 10000) String description) {}

    /** Saves a board as a template; {@code includeCards} keeps its cards (up to 200) as sample cards. */
    record SaveAsTemplate(
            @NotBlank @Size(max = 200, message = "must be at most 200 characters")
            String name,

            @Size(max = 2000) String description,
            Boolean includeCards) {}
}
