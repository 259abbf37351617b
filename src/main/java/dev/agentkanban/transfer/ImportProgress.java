package dev.agentkanban.transfer;

import dev.agentkanban.events.SystemTransactions;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Transactions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The progress of running imports, readable from every instance (issue 17). An import is one
 * transaction that nobody else sees until it commits, so its progress cannot be written in it: the
 * import only counts in memory ({@link Progress}), and this instance's progress writer (a thread of its
 * own) copies the counts of its running imports into {@code import_progress} every
 * {@code kanban.import.progress-interval} (default 250 ms), in short transactions of its own on their
 * own connection. The import never waits for it, and a failed progress write is only logged. The start
 * and the end (finished or failed, with the refusal's detail) are written at once, outside the import's
 * transaction, so the page that asked sees the end as soon as the answer arrives.
 *
 * <p>A running import's row is touched at least every 10 s; one not touched for 2 minutes lost its
 * instance and is marked failed. Rows are deleted {@code kanban.import.progress-retention} (default one
 * day) after their last change. Only the person who started an import and the workspace's admins read
 * its progress; everyone else gets the 404 of an unknown id.
 */
@Component
class ImportProgress implements DisposableBean {

    /** The request header that names a progress: a UUID the client chose. */
    static final String HEADER = "X-Progress-Id";

    private static final Logger log = LoggerFactory.getLogger(ImportProgress.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Duration LOST_AFTER = Duration.ofMinutes(2);
    private static final Duration CLEAN_EVERY = Duration.ofMinutes(10);

    /** What an import reports while it runs: how many items it will write, and how many it has written. */
    interface Progress {
        Progress NONE = new Progress() {
            @Override
            public void total(int items) {}

            @Override
            public void done(int items) {}
        };

        /** The number of items the import will go through (once it knows it). */
        void total(int items);

        /** The number of items gone through so far (a retried transaction starts again from 0). */
        void done(int items);
    }

    /** A progress as the API shows it. */
    record View(
            UUID id,
            String format,
            boolean dryRun,
            String unit,
            int done,
            Integer total,
            String state,
            String detail,
            String startedBy,
            Instant startedAt,
            Instant updatedAt) {}

    /** A running import of this instance: what it counted, and what the writer wrote of it last. */
    private static final class Tracker implements Progress {
        final UUID id;
        volatile int done;
        volatile int total = -1;
        int writtenDone = -1;
        int writtenTotal = -1;
        long writtenAt = System.nanoTime();

        Tracker(UUID id) {
            this.id = id;
        }

        @Override
        public void total(int items) {
            total = items;
        }

        @Override
        public void done(int items) {
            done = items;
        }
    }

    private final JdbcClient jdbc;
    private final Transactions tx;
    private final SystemTransactions system;
    private final Duration retention;
    private final Map<UUID, Tracker> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "import-progress");
        t.setDaemon(true);
        return t;
    });
    private volatile long cleanedAt;

    ImportProgress(
            JdbcClient jdbc,
            Transactions tx,
            SystemTransactions system,
            @Value("${kanban.import.progress-interval:PT0.25S}") Duration interval,
            @Value("${kanban.import.progress-retention:P1D}") Duration retention) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.system = system;
        this.retention = retention;
        this.cleanedAt = System.nanoTime() - CLEAN_EVERY.toNanos();
        writer.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs an import, reporting its progress under {@code id} (the {@value #HEADER} header) when one is
     * given: the row is written before the work starts and closed (finished, or failed with the
     * refusal's detail) when it ends. Without an id the work runs as before, with {@link Progress#NONE}.
     */
    <T> T track(String id, String format, boolean dryRun, String unit, Function<Progress, T> work) {
        if (id == null) {
            return work.apply(Progress.NONE);
        }
        UUID uuid = parse(id).orElseThrow(() -> ApiException.badRequest(HEADER + " must be a UUID the client chose"));
        RequestContext ctx = CurrentRequest.get();
        int inserted = system(() -> jdbc.sql("""
                        insert into import_progress (id, workspace_id, started_by, format, dry_run, unit)
                        values (:id, :ws, :by, :format, :dry, :unit) on conflict (id) do nothing
                        """)
                .param("id", uuid)
                .param("ws", ctx.workspaceId())
                .param("by", ctx.actor())
                .param("format", format)
                .param("dry", dryRun)
                .param("unit", unit)
                .update());
        if (inserted == 0) {
            throw ApiException.conflict("progress-id-taken", "the progress id " + uuid + " is in use; choose another");
        }
        Tracker tracker = new Tracker(uuid);
        running.put(uuid, tracker);
        try {
            T result = work.apply(tracker);
            close(tracker, "finished", null);
            return result;
        } catch (RuntimeException e) {
            close(tracker, "failed", e instanceof ApiException api ? api.getMessage() : "the import failed");
            throw e;
        }
    }

    /** The progress {@code id} of the request's workspace, if the caller started it or is an admin there; else 404. */
    View get(String id) {
        RequestContext ctx = CurrentRequest.get();
        UUID uuid = parse(id).orElseThrow(() -> ApiException.notFound("import progress", id));
        return tx.read(() -> jdbc.sql("""
                        select id, format, dry_run, unit, done, total, state, detail, started_by, started_at, updated_at
                        from import_progress
                        where id = :id and workspace_id = :ws and (started_by = :me or :admin)
                        """)
                        .param("id", uuid)
                        .param("ws", ctx.workspaceId())
                        .param("me", ctx.actor())
                        .param("admin", ctx.role().atLeast(Role.ADMIN))
                        .query((rs, n) -> new View(
                                rs.getObject("id", UUID.class),
                                rs.getString("format"),
                                rs.getBoolean("dry_run"),
                                rs.getString("unit"),
                                rs.getInt("done"),
                                (Integer) rs.getObject("total"),
                                rs.getString("state"),
                                rs.getString("detail"),
                                rs.getString("started_by"),
                                rs.getTimestamp("started_at").toInstant(),
                                rs.getTimestamp("updated_at").toInstant()))
                        .optional())
                .orElseThrow(() -> ApiException.notFound("import progress", id));
    }

    private void close(Tracker tracker, String state, String detail) {
        running.remove(tracker.id);
        try {
            system(() -> jdbc.sql("""
                            update import_progress set done = :done, total = :total, state = :state,
                                detail = :detail, updated_at = now()
                            where id = :id
                            """)
                    .param("id", tracker.id)
                    .param("done", tracker.done)
                    .param("total", tracker.total < 0 ? null : tracker.total)
                    .param("state", state)
                    .param("detail", detail == null ? null : detail.substring(0, Math.min(detail.length(), 2000)))
                    .update());
        } catch (RuntimeException e) {
            // the import's own answer matters more than its progress
            log.warn("could not record the end of import {}: {}", tracker.id, e.toString());
        }
    }

    /** The writer's round: the counts that changed (or are due a heartbeat), and now and then the clean-up. */
    private void tick() {
        try {
            long now = System.nanoTime();
            List<Tracker> due = running.values().stream()
                    .filter(t -> t.done != t.writtenDone
                            || t.total != t.writtenTotal
                            || now - t.writtenAt > HEARTBEAT.toNanos())
                    .toList();
            if (!due.isEmpty()) {
                system(() -> {
                    for (Tracker t : due) {
                        int done = t.done;
                        int total = t.total;
                        jdbc.sql("""
                                        update import_progress set done = :done, total = :total, updated_at = now()
                                        where id = :id and state = 'running'
                                        """)
                                .param("id", t.id)
                                .param("done", done)
                                .param("total", total < 0 ? null : total)
                                .update();
                        t.writtenDone = done;
                        t.writtenTotal = total;
                        t.writtenAt = now;
                    }
                    return null;
                });
            }
            if (now - cleanedAt > CLEAN_EVERY.toNanos()) {
                cleanedAt = now;
                clean();
            }
        } catch (RuntimeException e) {
            log.warn("could not write the progress of running imports: {}", e.toString());
        }
    }

    /** Marks imports whose instance stopped writing as failed, and deletes rows past the retention. */
    int clean() {
        return system(() -> {
            int lost = jdbc.sql("""
                            update import_progress set state = 'failed', updated_at = now(),
                                detail = 'the import stopped without an answer: the instance running it ended'
                            where state = 'running' and updated_at < now() - cast(:lost as interval)
                            """)
                    .param("lost", LOST_AFTER.toSeconds() + " seconds")
                    .update();
            return lost
                    + jdbc.sql("delete from import_progress where updated_at < now() - cast(:keep as interval)")
                            .param("keep", retention.toSeconds() + " seconds")
                            .update();
        });
    }

    /**
     * Work on {@code import_progress} as system work, beside whatever transaction the calling thread holds
     * (an import, an Idempotency-Key request).
     */
    private <T> T system(Supplier<T> work) {
        return system.writeApart(work);
    }

    private static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id.strip()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void destroy() {
        writer.shutdownNow();
    }
}
