package dev.agentkanban.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the agents: claims due jobs, analyses each job's task as the projection holds it now, and
 * stores the result and drafts while completing the job, in one transaction. A failed attempt is
 * retried after {@code retry-backoff} doubled per attempt, up to {@code max-attempts}; then the job is
 * failed for good. Now and then it also sweeps the projection for tasks that went stale without any
 * event (nothing happens to a stuck task, so no event would ask for the stale agent).
 */
class JobRunner extends WorkerLoop {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    static final int BATCH = 20;
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);

    private final Map<String, Agent> agents;
    private final JobQueue queue;
    private final Projection projection;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final WorkerSettings settings;
    private final Runnable onDrafts;
    private Instant nextSweep = Instant.EPOCH;

    JobRunner(
            Map<String, Agent> agents,
            JobQueue queue,
            Projection projection,
            TransactionTemplate tx,
            JdbcClient jdbc,
            WorkerSettings settings,
            Runnable onDrafts) {
        super("jobs", settings.pollInterval());
        this.agents = agents;
        this.queue = queue;
        this.projection = projection;
        this.tx = tx;
        this.jdbc = jdbc;
        this.settings = settings;
        this.onDrafts = onDrafts;
    }

    @Override
    boolean round() {
        int drafts = sweepStale();
        List<JobQueue.Job> jobs = queue.claim(settings.name(), BATCH, settings.lease());
        for (JobQueue.Job job : jobs) {
            drafts += run(job);
        }
        if (drafts > 0) {
            onDrafts.run();
        }
        return jobs.size() == BATCH;
    }

    /** Runs one claimed job; returns the number of new drafts. */
    int run(JobQueue.Job job) {
        if (job.attempts() > settings.maxAttempts()) {
            // claimed again after a worker died holding its last attempt
            tx.executeWithoutResult(s -> queue.fail(
                    job, settings.name(), "the worker running the last attempt stopped", true, Duration.ZERO));
            return 0;
        }
        try {
            Agent agent = agents.get(job.agent());
            if (agent == null) {
                throw new IllegalStateException("no agent named '" + job.agent() + "' runs in this worker");
            }
            // analysed outside the transaction: a model-backed agent may wait seconds for its model
            Agent.Analysis analysis = projection
                    .subject(job.taskId(), Instant.now())
                    .map(agent::analyseWithUsage)
                    .orElse(new Agent.Analysis(List.of(), null));
            Integer drafts = tx.execute(s -> queue.complete(job, settings.name(), analysis));
            return drafts == null ? 0 : drafts;
        } catch (JobQueue.LeaseLost e) {
            log.info("{}; its new holder finishes it", e.getMessage());
            return 0;
        } catch (RuntimeException e) {
            // an answer the model got wrong twice is not retried: the job fails at once, visibly
            boolean last = job.attempts() >= settings.maxAttempts() || e instanceof Agent.Unanswerable;
            Duration delay = WorkerSettings.backoff(settings.retryBackoff(), job.attempts(), MAX_BACKOFF);
            String error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            tx.executeWithoutResult(s -> queue.fail(job, settings.name(), error, last, delay));
            log.warn(
                    "job {} (agent {}, task {}) attempt {} of {} failed: {}{}",
                    job.id(),
                    job.agent(),
                    job.taskId(),
                    job.attempts(),
                    settings.maxAttempts(),
                    error,
                    last ? "; giving up" : "; retrying in " + delay);
            return 0;
        }
    }

    /** Every {@code stale-check}, one worker at a time, runs the stale agent over tasks in progress and untouched. */
    private int sweepStale() {
        Agent stale = agents.get("stale");
        Instant now = Instant.now();
        if (stale == null || now.isBefore(nextSweep)) {
            return 0;
        }
        nextSweep = now.plus(settings.staleCheck());
        Integer drafts = tx.execute(s -> {
            boolean mine = jdbc.sql("select pg_try_advisory_xact_lock(hashtext('agent-kanban-worker stale sweep'))")
                    .query(Boolean.class)
                    .single();
            if (!mine) {
                return 0;
            }
            int n = 0;
            for (long id : projection.inProgressSince(now.minus(settings.staleAfter()))) {
                List<Agent.Finding> findings =
                        projection.subject(id, now).map(stale::analyse).orElse(List.of());
                if (!findings.isEmpty()) {
                    n += queue.record(null, id, stale.name(), findings, null);
                }
            }
            return n;
        });
        return drafts == null ? 0 : drafts;
    }
}
