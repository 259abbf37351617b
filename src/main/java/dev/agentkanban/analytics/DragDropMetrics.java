package dev.agentkanban.analytics;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Seed 002's drag-and-drop metrics of a board over the last {@code days} UTC days (today included):
 * column moves recorded on the board, per day (every day present), per actor and per task;
 * {@code average_moves_per_task} = moves / distinct tasks moved (0 without moves).
 */
record DragDropMetrics(
        long boardId,
        int days,
        Instant since,
        long totalMoves,
        long tasksMoved,
        double averageMovesPerTask,
        List<DayMoves> movesPerDay,
        List<ActorMoves> byUser,
        List<TaskMoves> mostMoved) {

    public record DayMoves(LocalDate date, long moves) {}

    public record ActorMoves(String actor, long moves) {}

    /** The title is null for a task deleted since. */
    public record TaskMoves(long taskId, String title, long moves) {}
}
