package dev.agentkanban.worker;

import java.time.Duration;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The processing jobs, their results and the hint drafts they produce, in the worker database. Jobs
 * are claimed with {@code FOR UPDATE SKIP LOCKED}: concurrent workers each take different jobs, and
 * a claim is a lease, so a job whose worker died is claimed again once the lease has passed. Finishing
 * or failing a job checks that the caller still holds it.
 */
class JobQueue {

    /** A claimed job; {@code attempts} counts this attempt. */
    record Job(long id, long eventId, long taskId, String agent, int attempts) {}

    /** The caller no longer holds the job (its lease ran out and another worker took it). */
    static final class LeaseLost extends RuntimeException {
        LeaseLost(long job) {
            super("lost the lease of job " + job);
        }
    }

    private static final int MAX_ERROR = 1000;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    JobQueue(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Claims up to {@code limit} due jobs (pending and due, or processing with an expired lease), oldest first. */
    List<Job> claim(String worker, int limit, Duration lease) {
        return jdbc.sql("""
                update agent_processing_jobs j
                   set status = 'processing', attempts = j.attempts + 1, locked_by = :worker,
                       locked_until = now() + cast(:lease as interval), started_at = now()
                 where j.id in (select id from agent_processing_jobs
                                 where (status = 'pending' and next_attempt_at <= now())
                                    or (status = 'processing' and locked_until < now())
                                 order by id
                                 limit :limit
                                 for update skip locked)
                returning j.id, j.event_id, j.task_id, j.agent, j.attempts
                """)
                .param("worker", worker)
                .param("lease", lease.toMillis() + " milliseconds")
                .param("limit", limit)
                .query((rs, n) -> new Job(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getInt(5)))
                .list();
    }

    /**
     * Records the agent's findings (result row and one draft per finding, skipping drafts the task has
     * already) and completes the job; call inside one transaction. Throws {@link LeaseLost} when the
     * caller does not hold the job any more. Returns the number of new drafts.
     */
    int complete(Job job, String worker, Agent.Analysis analysis) {
        int drafts = record(job.id(), job.taskId(), job.agent(), analysis.findings(), analysis.usage());
        int updated =
                jdbc.sql("""
                update agent_processing_jobs set status = 'completed', locked_until = null, finished_at = now(), last_error = null
                where id = :id and locked_by = :worker and status = 'processing'
                """).param("id", job.id()).param("worker", worker).update();
        if (updated != 1) {
            throw new LeaseLost(job.id());
        }
        return drafts;
    }

    /**
     * Records findings (of a job, or outside one: the stale sweep), with what producing them cost when a
     * model was asked ({@code usage} null otherwise). Returns the number of new drafts.
     */
    int record(Long jobId, long taskId, String agent, List<Agent.Finding> findings, Agent.Usage usage) {
        long result = jdbc.sql("""
                insert into agent_results (job_id, task_id, agent, findings, details, input_hash, model, prompt_version,
                                           tokens_in, tokens_out, latency_ms)
                values (:job, :task, :agent, :n, cast(:details as jsonb), :hash, :model, :prompt, :in, :out, :latency)
                returning id
                """)
                .param("job", jobId)
                .param("task", taskId)
                .param("agent", agent)
                .param("n", findings.size())
                .param("details", json.writeValueAsString(findings))
                .param("hash", usage == null ? null : usage.inputHash())
                .param("model", usage == null ? null : usage.model())
                .param("prompt", usage == null ? null : usage.promptVersion())
                .param("in", usage == null ? null : usage.tokensIn())
                .param("out", usage == null ? null : usage.tokensOut())
                .param("latency", usage == null ? null : (int) Math.min(usage.latencyMs(), Integer.MAX_VALUE))
                .query(Long.class)
                .single();
        int drafts = 0;
        for (Agent.Finding f : findings) {
            drafts += jdbc.sql("""
                    insert into hint_drafts (result_id, task_id, agent, type, message, suggestion, model, prompt_version)
                    values (:result, :task, :agent, :type, :message, cast(:suggestion as jsonb), :model, :prompt)
                    on conflict (task_id, fingerprint) do nothing
                    """)
                    .param("result", result)
                    .param("task", taskId)
                    .param("agent", agent)
                    .param("type", f.type())
                    .param("message", f.message())
                    .param("suggestion", json.writeValueAsString(f.suggestion()))
                    .param("model", f.model())
                    .param("prompt", f.promptVersion())
                    .update();
        }
        return drafts;
    }

    /**
     * A failed attempt: back to pending after {@code delay}, or failed for good when it was the last
     * one. False when the caller does not hold the job any more.
     */
    boolean fail(Job job, String worker, String error, boolean last, Duration delay) {
        return jdbc.sql("""
                update agent_processing_jobs
                   set status = case when :last then 'failed' else 'pending' end, locked_until = null,
                       next_attempt_at = now() + cast(:delay as interval), last_error = :error,
                       finished_at = case when :last then now() end
                 where id = :id and locked_by = :worker and status = 'processing'
                """)
                        .param("last", last)
                        .param("delay", delay.toMillis() + " milliseconds")
                        .param("error", error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error)
                        .param("id", job.id())
                        .param("worker", worker)
                        .update()
                == 1;
    }
}
