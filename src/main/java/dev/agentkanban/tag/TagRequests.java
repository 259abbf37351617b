package dev.agentkanban.tag;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.hibernate.validator.constraints.CodePointLength;

/** Request bodies of the tag API. */
public final class TagRequests {

    static final String COLOR = "^#[0-9a-fA-F]{6}$";
    static final String COLOR_MESSAGE = "must be a colour like #6b7280";

    private TagRequests() {}

    public record CreateTag(
            @NotBlank
            @CodePointLength(max = Tags.MAX_NAME, message = "a tag name has at most " + Tags.MAX_NAME + " characters")
            String name,

            @Pattern(regexp = COLOR, message = COLOR_MESSAGE)
            String color) {}

    /** A partial update: absent fields stay as they are. */
    public record UpdateTag(
            @CodePointLength(max = Tags.MAX_NAME, message = "a tag name has at most " + Tags.MAX_NAME + " characters")
            String name,

            @Pattern(regexp = COLOR, message = COLOR_MESSAGE)
            String color) {}

    /** Attaches one tag, named by id or by name (a name not yet known creates the tag). */
    public record AttachTag(
            Long tagId,

            @CodePointLength(max = Tags.MAX_NAME, message = "a tag name has at most " + Tags.MAX_NAME + " characters")
            String name) {}

    /** The exact tag set of a task, by ids or by names. */
    public record SetTags(
            @Size(max = Tags.MAX_PER_TASK) List<@NotNull Long> tagIds,

            @Size(max = Tags.MAX_PER_TASK)
            List<
                            @NotNull
                            @CodePointLength(
                                    max = Tags.MAX_NAME,
                                    message = "a tag name has at most " + Tags.MAX_NAME + " characters")
                            String>
                    names) {}
}
