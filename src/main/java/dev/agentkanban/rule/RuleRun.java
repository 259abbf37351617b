package dev.agentkanban.rule;

import java.time.Instant;

/**
 * One run of a rule: for an event ({@code eventId}) or, for "due date passed", a task's due date
 * ({@code dueAt}). {@code depth} is how many rule runs led to it (1: a person's or agent's change
 * started it); {@code status} is pending, applied, skipped (conditions did not hold), failed (an action
 * was refused, nothing was kept; or it failed {@code kanban.rules.max-attempts} times for another reason)
 * or stopped (the loop limit); {@code detail} says why. {@code attempts} counts the attempts that failed
 * for a reason other than a refusal; a pending run with failed attempts waits until {@code nextAttemptAt}.
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
        Instant finishedAt,
        int attempts,
        Instant nextAttemptAt) {}
