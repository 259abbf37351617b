package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonAlias;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hibernate.validator.constraints.CodePointLength;

/** Request bodies of the task API. Seed 000's names are accepted as aliases (content, section, assigned_to). */
public final class TaskRequests {

    /** The range of a claim's lease in seconds, for REST and MCP alike. */
    public static final int MIN_LEASE_SECONDS = 10;

    public static final int MAX_LEASE_SECONDS = 86_400;

    private TaskRequests() {}

    /**
     * Something besides spaces, line breaks, control and format characters: a title of em spaces, no-break
     * spaces or zero-width spaces is as blank as one of ASCII spaces (DOTALL: a line break is not the end).
     */
    static final String NOT_BLANK = "(?s).*[^\\p{Z}\\p{Cc}\\p{Cf}].*";

    static final String BLANK_MESSAGE = "must not be blank";

    public record CreateTask(
            Long boardId,
            Long columnId,

            @JsonAlias({"section", "current_column"}) @Size(max = 100)
            String column,

            @JsonAlias("content")
            @NotBlank
            @CodePointLength(max = 500, message = "must be at most 500 characters")
            @Pattern(regexp = NOT_BLANK, message = BLANK_MESSAGE)
            String title,

            @Size(max = 100000) String description,
            @Size(max = 20000) String acceptanceCriteria,
            Priority priority,
            @Size(max = 200) String epic,
            @Size(max = 200) String area,
            Owner owner,
            @JsonAlias("assigned_to") @Size(max = 200) String assignee,
            Instant dueDate,
            @Min(1) Integer occurrenceCount,
            Map<String, Object> metadata,
            @Size(max = 50) List<@NotBlank @Size(max = 50) String> tags,
            @Min(0) Integer position,
            Long parentId,
            @Size(max = 50) Map<String, Object> fields,
            TaskStatus status) {

        /** A subtask of {@code parentId} in the board's first column, with only these fields set. */
        public static CreateTask subtask(
                long boardId, String title, String epic, String area, String assignee, Instant dueDate, long parentId) {
            return new CreateTask(
                    boardId, null, null, title, null, null, null, epic, area, null, assignee, dueDate, null, null, null,
                    null, parentId, null, null);
        }
    }

    /**
     * The editable fields, for PUT (all of them) and PATCH (those sent). Sending {@code status}
     * applies the lifecycle rules; sending a column moves the task to the end of that column.
     */
    public record UpdateTask(
            @JsonAlias("content")
            @CodePointLength(min = 1, max = 500, message = "must be 1 to 500 characters")
            @Pattern(regexp = NOT_BLANK, message = BLANK_MESSAGE)
            String title,

            @Size(max = 100000) String description,
            @Size(max = 20000) String acceptanceCriteria,
            Priority priority,
            @Size(max = 200) String epic,
            @Size(max = 200) String area,
            Owner owner,
            @JsonAlias("assigned_to") @Size(max = 200) String assignee,
            Instant dueDate,
            @Min(1) Integer occurrenceCount,
            Map<String, Object> metadata,
            TaskStatus status,
            @Size(max = 2000) String cancelReason,
            Long columnId,

            @JsonAlias({"section", "current_column"}) @Size(max = 100)
            String column,

            @Size(max = 50) Map<String, Object> fields,
            @Size(max = 50) List<@NotBlank @Size(max = 50) String> tags) {}

    /** Where to put a task: a column (by id or name; default its current one) and a place in it. */
    public record MoveTask(
            Long columnId,

            @JsonAlias({"section", "current_column", "target_column"}) @Size(max = 100)
            String column,

            @Min(0) Integer position,
            Long beforeId,
            Long afterId) {

        /** To a column (by id or name), at a position or else at its end. */
        public static MoveTask toColumn(Long columnId, String column, Integer position) {
            return new MoveTask(columnId, column, position, null, null);
        }
    }

    public record CancelTask(@NotBlank @Size(max = 2000) String reason) {}

    public record ClaimTask(
            @Min(MIN_LEASE_SECONDS) @Max(MAX_LEASE_SECONDS) Integer leaseSeconds) {}

    /**
     * Which task to take next: the board, optionally one column (id or name) and filters. The lease
     * defaults to {@code kanban.claim-lease} (15 minutes).
     */
    public record ClaimNextTask(
            @NotNull Long boardId,
            Long columnId,
            @JsonAlias("section") @Size(max = 100) String column,
            Priority priority,
            @Size(max = 200) String epic,
            @Size(max = 50) String tag,
            @Min(MIN_LEASE_SECONDS) @Max(MAX_LEASE_SECONDS) Integer leaseSeconds) {}

    /**
     * An issue an agent ran into (seed 000's agent rule): found by normalised title on the board, or
     * created (in {@code column}, default the board's first column) with these fields; a new one is
     * related as {@code duplicate_of} the task {@code duplicateOf} names, when given.
     */
    public record ReportIssue(
            @NotNull Long boardId,
            Long columnId,
            @JsonAlias("section") @Size(max = 100) String column,

            @JsonAlias("content")
            @NotBlank
            @CodePointLength(max = 500, message = "must be at most 500 characters")
            @Pattern(regexp = NOT_BLANK, message = BLANK_MESSAGE)
            String title,

            @Size(max = 100000) String description,
            @Size(max = 20000) String acceptanceCriteria,
            Priority priority,
            @Size(max = 200) String epic,
            @Size(max = 200) String area,
            @Size(max = 50) List<@NotBlank @Size(max = 50) String> tags,
            Long duplicateOf) {}

    /** A new checklist item: at the end unless {@code position} (an index) or a neighbour says where. */
    public record AddChecklistItem(
            @NotBlank @Size(max = 500) String text,
            Boolean done,
            @Size(max = 200) String assignee,
            Instant dueDate,
            @Min(0) Integer position,
            Long beforeId,
            Long afterId) {}

    /** The editable fields of a checklist item (PATCH: those sent); {@code done} ticks or unticks it. */
    public record UpdateChecklistItem(
            @Size(min = 1, max = 500) @Pattern(regexp = NOT_BLANK, message = "must not be blank")
            String text,

            Boolean done,
            @Size(max = 200) String assignee,
            Instant dueDate) {}

    /** Where to put a checklist item: before or after another item, or at an index. */
    public record MoveChecklistItem(@Min(0) Integer position, Long beforeId, Long afterId) {}
}
