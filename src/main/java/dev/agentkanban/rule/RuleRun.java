package dev.agentkanban.rule;

import java.time.Instant;

/**
 * One run of a rule: for an event ({@code eventId}) or, for "due date passed", a task's due date
 * ({@code dueAt}). {@code depth} is how many rule runs led to it (1: a person's or agent's change
 * started it); {@code status} is pending, applied, skipped (conditions did not hold), failed (an action
 * was refused, nothing was kept) or stopped (the loop limit); {@code detail} says why.
 */
public record RuleRun(
        long id,
        long ruleId,
        Long eventId,
        long taskId,
        Instant dueAt,
        int depth,
        String status,
        String detail,
        Instant queuedAt,
        Instant finishedAt) {}
