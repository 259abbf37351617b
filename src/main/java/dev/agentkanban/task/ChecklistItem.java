package dev.agentkanban.task;

import java.time.Instant;

/** One item of a task's checklist (issue 14), in the checklist's order by {@code position}. */
record ChecklistItem(
        long id,
        long taskId,
        long position,
        String text,
        boolean done,
        String assignee,
        Instant dueDate,
        String createdBy,
        Instant createdAt,
        Instant updatedAt) {}
