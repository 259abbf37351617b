package dev.agentkanban.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.support.TestDatabase;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Job leases in a real worker database: a job whose worker stopped (its lease ran out) is taken over
 * by another worker, and the former holder can then neither complete nor fail it; what it found is
 * rolled back with its completion ({@link JobQueue.LeaseLost}), in the queue and in {@link JobRunner}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobLeaseTest {

    private static final Duration LONG = Duration.ofHours(1);

    JdbcClient jdbc;
    TransactionTemplate tx;
    JobQueue queue;
    long events;

    @BeforeAll
    void workerDatabase() {
        TestDatabase db = TestDatabase.get().another("kanban_worker_test");
        DataSource ds = new SimpleDriverDataSource(new org.postgresql.Driver(), db.jdbcUrl, db.username, db.password);
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/worker")
                .table("worker_schema_history")
                .load()
                .migrate();
        jdbc = JdbcClient.create(ds);
        tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        queue = new JobQueue(jdbc, JsonMapper.builder().build());
    }

    @Test
    void aJobIsNotTakenWhileItsLeaseHoldsAndIsTakenOverOnceItRunsOut() {
        long held = job();
        assertThat(claimOf("worker-a", held, LONG)).isPresent();
        assertThat(claimOf("worker-b", held, LONG))
                .as("claimed while worker-a's lease holds")
                .isEmpty();

        long lapsing = job();
        JobQueue.Job first =
                claimOf("worker-a", lapsing, Duration.ofMillis(200)).orElseThrow();
        assertThat(first.attempts()).isEqualTo(1);
        JobQueue.Job second = await("worker-b takes the job over")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> claimOf("worker-b", lapsing, LONG), Optional::isPresent)
                .orElseThrow();
        assertThat(second.attempts()).as("the take-over is the second attempt").isEqualTo(2);
        assertThat(holder(lapsing)).isEqualTo("worker-b");

        // the former holder comes back: its findings are not stored and the job stays worker-b's
        List<Agent.Finding> findings =
                List.of(new Agent.Finding("title", "from the stale holder", Map.of("title", "x")));
        assertThatThrownBy(() -> tx.executeWithoutResult(
                        s -> queue.complete(first, "worker-a", new Agent.Analysis(findings, null))))
                .isInstanceOf(JobQueue.LeaseLost.class);
        assertThat(results(lapsing)).as("results of the lost completion").isZero();
        assertThat(drafts()).as("drafts of the lost completion").isZero();
        Boolean failed = tx.execute(s -> queue.fail(first, "worker-a", "late failure", false, Duration.ZERO));
        assertThat(failed).isFalse();
        assertThat(status(lapsing)).isEqualTo("processing");

        Integer drafts = tx.execute(s -> queue.complete(second, "worker-b", new Agent.Analysis(List.of(), null)));
        assertThat(drafts).isZero();
        assertThat(status(lapsing)).isEqualTo("completed");
        assertThat(results(lapsing)).isEqualTo(1);
    }

    @Test
    void theRunnerOfALostJobStoresNothingAndLeavesItToItsNewHolder() {
        long id = job();
        JobQueue.Job lost = claimOf("worker-a", id, Duration.ofMillis(1)).orElseThrow();
        JobQueue.Job taken = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> claimOf("worker-b", id, LONG), Optional::isPresent)
                .orElseThrow();
        AtomicInteger notified = new AtomicInteger();
        JobRunner runnerOfA = runner("worker-a", notified);

        assertThat(runnerOfA.run(lost)).isZero();

        assertThat(results(id)).isZero();
        assertThat(holder(id)).isEqualTo("worker-b");
        assertThat(status(id)).isEqualTo("processing");
        assertThat(runner("worker-b", notified).run(taken)).isZero();
        assertThat(status(id)).isEqualTo("completed");
        assertThat(results(id)).isEqualTo(1);
    }

    @Test
    void aJobClaimedAgainAfterItsLastAttemptIsFailedForGood() {
        long id = job();
        JobQueue.Job attempt = null;
        for (int i = 1; i <= 4; i++) { // three attempts allowed; each worker stopped holding it
            attempt = claimOf("worker-" + i, id, Duration.ofMillis(1)).orElseThrow();
            jdbc.sql("update agent_processing_jobs set locked_until = now() - interval '1 second' where id = :id")
                    .param("id", id)
                    .update();
        }
        assertThat(attempt.attempts()).isEqualTo(4);
        runner("worker-4", new AtomicInteger()).run(attempt);
        assertThat(status(id)).isEqualTo("failed");
        assertThat(results(id)).isZero();
    }

    private JobRunner runner(String name, AtomicInteger notified) {
        WorkerSettings settings = new WorkerSettings(
                "",
                URI.create("http://127.0.0.1:1"),
                "unused",
                name,
                List.of("title"),
                Duration.ofSeconds(1),
                3,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                LONG,
                Duration.ofDays(7),
                LONG,
                Duration.ofSeconds(1),
                1);
        return new JobRunner(
                Map.of("title", new Agents.Title()),
                queue,
                new Projection(jdbc, tx),
                tx,
                jdbc,
                settings,
                notified::incrementAndGet);
    }

    /** A new pending job of its own event. */
    private long job() {
        events++;
        return jdbc.sql("""
                insert into agent_processing_jobs (event_id, event_type, task_id, agent) values (:e, 'task_created', :e, 'title')
                returning id
                """).param("e", events).query(Long.class).single();
    }

    /**
     * Claims due jobs for {@code worker} and keeps the one asked about; any other due job (none, as the
     * tests leave theirs held or finished) is put back as it was.
     */
    private Optional<JobQueue.Job> claimOf(String worker, long id, Duration lease) {
        List<JobQueue.Job> claimed = queue.claim(worker, 100, lease);
        for (JobQueue.Job other : claimed) {
            if (other.id() != id) {
                jdbc.sql(
                                "update agent_processing_jobs set status = 'pending', attempts = attempts - 1, locked_by = null,"
                                        + " locked_until = null where id = :id")
                        .param("id", other.id())
                        .update();
            }
        }
        return claimed.stream().filter(j -> j.id() == id).findFirst();
    }

    private String holder(long id) {
        return jdbc.sql("select locked_by from agent_processing_jobs where id = :id")
                .param("id", id)
                .query(String.class)
                .single();
    }

    private String status(long id) {
        return jdbc.sql("select status from agent_processing_jobs where id = :id")
                .param("id", id)
                .query(String.class)
                .single();
    }

    private long results(long id) {
        return jdbc.sql("select count(*) from agent_results where job_id = :id")
                .param("id", id)
                .query(Long.class)
                .single();
    }

    private long drafts() {
        return jdbc.sql("select count(*) from hint_drafts where message = 'from the stale holder'")
                .query(Long.class)
                .single();
    }
}
