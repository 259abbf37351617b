package dev.agentkanban.analytics;

import java.time.Instant;

/**
 * Seed 002's performance of a board over the last {@code days} days, the window {@code [since, until)}
 * (definitions in docs/analytics.md): tasks created on the board, tasks completed on it, the share of
 * the created ones completed by now, throughput per day, mean lead and cycle time of the completed
 * ones, the open tasks now waiting in backlog/todo columns and in blocked columns, and the velocity
 * trend against the previous window of the same length.
 */
public record Performance(
        long boardId,
        int days,
        Instant since,
        Instant until,
        long created,
        long completed,
        double completionRate,
        double throughputPerDay,
        Double averageCompletionSeconds,
        Double averageCycleSeconds,
        long backlogSize,
        long blockedCount,
        Velocity velocity) {

    /**
     * {@code change_percent} = 100 · (completed − previous_completed) / previous_completed (null when
     * the previous window completed nothing); trend up above +20 %, down below −20 %, else steady; with
     * nothing completed before, up when anything was completed now, else steady.
     */
    public record Velocity(long previousCompleted, Double changePercent, String trend) {}
}
