package dev.agentkanban.worker;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An analysis of one task that may propose hints. Agents are deterministic (no external service) and
 * side-effect free: the job runner stores what they return. An exception fails the job's attempt,
 * which is retried with backoff.
 */
interface Agent {

    /** The agent's name: the job's {@code agent} and the hint's source ({@code worker:<name>}). */
    String name();

    List<Finding> analyse(Subject subject);

    /** A proposed hint: its type (the API's hint types), why, and the change as the API applies it. */
    record Finding(String type, String message, Map<String, Object> suggestion) {}

    /** A column as the projection knows it, with the number of tasks in it. */
    record ColumnLoad(long id, String name, String kind, Integer wipLimit, long taskCount) {}

    /** The task under analysis and what the projection knows around it. */
    interface Subject {

        WorkerTask task();

        Instant now();

        /** The board's other open tasks with the same normalised title that are older (lower id) than this one. */
        List<WorkerTask> olderWithSameTitle();

        /** The task's column; empty when the worker has not seen its board's events. */
        Optional<ColumnLoad> column();
    }
}
