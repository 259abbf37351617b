package dev.agentkanban.task;

import dev.agentkanban.task.TaskRequests.CreateTask;
import java.time.Instant;
import java.util.Map;

/**
 * What a task says, as opposed to where it is and how far along it is: the fields a client edits.
 * Immutable; a change makes a new one. Text that is blank means no value ({@code null}).
 */
record TaskContent(
        String title,
        String description,
        String acceptanceCriteria,
        Priority priority,
        String epic,
        String area,
        Owner owner,
        String assignee,
        Instant dueDate,
        int occurrenceCount,
        Map<String, Object> metadata) {

    /** A new task's priority when none is given, on creation and on a PUT that leaves it out. */
    static final Priority DEFAULT_PRIORITY = Priority.MEDIUM;

    /** A new task's occurrence count when none is given (seed 000: it happened once). */
    static final int DEFAULT_OCCURRENCES = 1;

    /** The content of a new task, defaults filled in; {@code metadata} as checked by the caller. */
    static TaskContent of(CreateTask request, Map<String, Object> metadata) {
        return new TaskContent(
                request.title().trim(),
                request.description(),
                request.acceptanceCriteria(),
                request.priority() == null ? DEFAULT_PRIORITY : request.priority(),
                blankToNull(request.epic()),
                blankToNull(request.area()),
                request.owner(),
                blankToNull(request.assignee()),
                request.dueDate(),
                request.occurrenceCount() == null ? DEFAULT_OCCURRENCES : request.occurrenceCount(),
                metadata);
    }

    /** This content with the patch's fields changed (those it does not carry stay). */
    TaskContent apply(TaskPatch p) {
        return new TaskContent(
                p.title() == null ? title : p.title().value().trim(),
                TaskPatch.Change.orElse(p.description(), description),
                TaskPatch.Change.orElse(p.acceptanceCriteria(), acceptanceCriteria),
                TaskPatch.Change.orElse(p.priority(), priority),
                p.epic() == null ? epic : blankToNull(p.epic().value()),
                p.area() == null ? area : blankToNull(p.area().value()),
                TaskPatch.Change.orElse(p.owner(), owner),
                p.assignee() == null ? assignee : blankToNull(p.assignee().value()),
                TaskPatch.Change.orElse(p.dueDate(), dueDate),
                TaskPatch.Change.orElse(p.occurrenceCount(), occurrenceCount),
                TaskPatch.Change.orElse(p.metadata(), metadata));
    }

    TaskContent withAssignee(String newAssignee) {
        return with(newAssignee, occurrenceCount);
    }

    TaskContent withOccurrenceCount(int count) {
        return with(assignee, count);
    }

    private TaskContent with(String newAssignee, int count) {
        return new TaskContent(
                title,
                description,
                acceptanceCriteria,
                priority,
                epic,
                area,
                owner,
                newAssignee,
                dueDate,
                count,
                metadata);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
