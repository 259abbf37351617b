package dev.agentkanban.task;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Patch;
import dev.agentkanban.task.TaskRequests.UpdateTask;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A typed change of a task: each content field is either absent ({@code null}: left as it is) or a
 * {@link Change} to a value (which may be {@code null}: cleared). The status and the column change only
 * when given. The wire's field names are mapped to fields here, once ({@link #of}). {@code fields}
 * are custom field values by the field's name (null: none sent); a PATCH changes the fields it names
 * (null clears one), a PUT ({@code replacesFields}) keeps only those it sends. {@code tags} are the
 * names the task's tags become (null: not sent, the tags stay), for PATCH and PUT alike.
 */
public record TaskPatch(
        Change<String> title,
        Change<String> description,
        Change<String> acceptanceCriteria,
        Change<Priority> priority,
        Change<String> epic,
        Change<String> area,
        Change<Owner> owner,
        Change<String> assignee,
        Change<Instant> dueDate,
        Change<Integer> occurrenceCount,
        Change<Map<String, Object>> metadata,
        TaskStatus status,
        String cancelReason,
        Long columnId,
        String column,
        Map<String, Object> fields,
        boolean replacesFields,
        List<String> tags) {

    /** A field's new value; {@code null} inside clears the field. */
    public record Change<T>(T value) {

        static <T> Change<T> to(T value) {
            return new Change<>(value);
        }

        /** The changed value, or {@code current} when the field is not changed. */
        static <T> T orElse(Change<T> change, T current) {
            return change == null ? current : change.value();
        }
    }

    /**
     * PATCH: the fields the client sent (validated like the request record); a field sent as null is
     * cleared, except those a task cannot be without (title, priority, occurrence_count, status: 400).
     */
    public static TaskPatch of(Patch<UpdateTask> sent) {
        UpdateTask v = sent.values();
        requireValue(sent, "title", v.title());
        requireValue(sent, "priority", v.priority());
        requireValue(sent, "occurrence_count", v.occurrenceCount());
        requireValue(sent, "status", v.status());
        return new TaskPatch(
                change(sent, "title", v.title()),
                change(sent, "description", v.description()),
                change(sent, "acceptance_criteria", v.acceptanceCriteria()),
                change(sent, "priority", v.priority()),
                change(sent, "epic", v.epic()),
                change(sent, "area", v.area()),
                change(sent, "owner", v.owner()),
                change(sent, "assignee", v.assignee()),
                change(sent, "due_date", v.dueDate()),
                change(sent, "occurrence_count", v.occurrenceCount()),
                change(sent, "metadata", emptyIfNull(v.metadata())),
                v.status(),
                v.cancelReason(),
                v.columnId(),
                v.column(),
                v.fields(),
                false,
                tagsOf(sent));
    }

    /**
     * PUT: every content field is replaced, those not sent by their defaults (empty, medium priority,
     * one occurrence, as on creation); the status and column change only when sent.
     */
    public static TaskPatch replacing(Patch<UpdateTask> sent) {
        UpdateTask v = sent.values();
        if (v.title() == null) {
            throw ApiException.invalid("title", "must not be blank");
        }
        requireValue(sent, "status", v.status());
        return new TaskPatch(
                Change.to(v.title()),
                Change.to(v.description()),
                Change.to(v.acceptanceCriteria()),
                Change.to(v.priority() == null ? TaskContent.DEFAULT_PRIORITY : v.priority()),
                Change.to(v.epic()),
                Change.to(v.area()),
                Change.to(v.owner()),
                Change.to(v.assignee()),
                Change.to(v.dueDate()),
                Change.to(v.occurrenceCount() == null ? TaskContent.DEFAULT_OCCURRENCES : v.occurrenceCount()),
                Change.to(emptyIfNull(v.metadata())),
                v.status(),
                v.cancelReason(),
                v.columnId(),
                v.column(),
                v.fields() == null ? Map.of() : v.fields(),
                true,
                tagsOf(sent));
    }

    /** A change of the custom field values named (by field name; null clears one). */
    public static TaskPatch customFields(Map<String, Object> fields) {
        return new TaskPatch(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, fields, false,
                null);
    }

    /** A change of the priority alone. */
    public static TaskPatch priority(Priority priority) {
        if (priority == null) {
            throw ApiException.invalid("priority", "must not be null");
        }
        return single(Change.to(priority), null);
    }

    /** A change of the assignee alone (null unassigns). */
    public static TaskPatch assignee(String assignee) {
        return single(null, Change.to(assignee));
    }

    /** A change of the due date alone (null clears it). */
    public static TaskPatch dueDate(Instant dueDate) {
        return new TaskPatch(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Change.to(dueDate),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                null);
    }

    private static TaskPatch single(Change<Priority> priority, Change<String> assignee) {
        return new TaskPatch(
                null, null, null, priority, null, null, null, assignee, null, null, null, null, null, null, null, null,
                false, null);
    }

    /** Whether the patch changes custom field values. */
    boolean changesFields() {
        return fields != null && (replacesFields || !fields.isEmpty());
    }

    /** Whether the patch names a column to move to. */
    boolean moves() {
        return columnId != null || column != null;
    }

    /** The tag names sent (null, when sent so, clears them); null when not sent. */
    private static List<String> tagsOf(Patch<UpdateTask> sent) {
        List<String> tags = sent.values().tags();
        return tags == null && sent.has("tags") ? List.of() : tags;
    }

    /** Metadata cleared is an empty object: a task always has one. */
    private static Map<String, Object> emptyIfNull(Map<String, Object> metadata) {
        return metadata == null ? Map.of() : metadata;
    }

    private static <T> Change<T> change(Patch<UpdateTask> sent, String field, T value) {
        return sent.has(field) ? Change.to(value) : null;
    }

    private static void requireValue(Patch<UpdateTask> sent, String field, Object value) {
        if (sent.has(field) && value == null) {
            throw ApiException.invalid(field, "must not be null");
        }
    }
}
