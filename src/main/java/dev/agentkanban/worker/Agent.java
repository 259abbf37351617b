package dev.agentkanban.worker;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An analysis of one task that may propose hints. The built-in agents are deterministic (no external
 * service) and side-effect free; the model-backed ones ask a language model ({@link ModelAgents}).
 * The job runner stores what they return. An exception fails the job's attempt, which is retried with
 * backoff; {@link Unanswerable} fails the job at once.
 */
interface Agent {

    /** The agent's name: the job's {@code agent} and the hint's source ({@code worker:<name>}). */
    String name();

    List<Finding> analyse(Subject subject);

    /** The findings with what producing them cost; the deterministic agents cost nothing. */
    default Analysis analyseWithUsage(Subject subject) {
        return new Analysis(analyse(subject), null);
    }

    /**
     * A proposed hint: its type (the API's hint types), why, and the change as the API applies it; for a
     * model's proposal also the model and the prompt version (else null).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Finding(
            String type,
            String message,
            Map<String, Object> suggestion,
            String model,
            @JsonProperty("prompt_version") String promptVersion) {
        Finding(String type, String message, Map<String, Object> suggestion) {
            this(type, message, suggestion, null, null);
        }
    }

    /**
     * What one analysis cost: the model asked, the prompt version, a digest of what was sent, tokens in
     * and out, and the time the model took.
     */
    record Usage(String model, String promptVersion, String inputHash, int tokensIn, int tokensOut, long latencyMs) {}

    /** An agent's findings and their cost (null when it asked no model). */
    record Analysis(List<Finding> findings, Usage usage) {}

    /** The analysis cannot succeed by retrying (a model answered twice with invalid output): the job fails at once. */
    final class Unanswerable extends RuntimeException {
        Unanswerable(String message) {
            super(message);
        }
    }

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

    /** A subject whose surroundings are known in advance (the evaluation, tests). */
    record Snapshot(WorkerTask task, Instant now, List<WorkerTask> olderWithSameTitle, Optional<ColumnLoad> column)
            implements Subject {}
}
