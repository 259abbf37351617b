package dev.agentkanban.platform;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.api.MigrationVersion;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The service's health and status as the health endpoints report them. The health report never uses
 * the connection pool (a saturated pool must not make health hang): the database is asked through
 * {@link DatabaseMonitor}'s own connection, the pool is described from its counters.
 */
@Component
class Health {

    private static final Pattern SQL_MIGRATION = Pattern.compile("^V([0-9][0-9._]*)__.*\\.sql$");

    /** {@code ok}: all is well; {@code degraded}: answering, but look; {@code unavailable}: the database is gone. */
    enum Status {
        OK,
        DEGRADED,
        UNAVAILABLE;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    record HealthReport(
            Status status,
            String version,
            long uptimeSeconds,
            DatabaseHealth database,
            MigrationState migrations,
            DatabaseMonitor.PoolState pool,
            int liveConnections,
            Long workerLag) {}

    /** {@code status} is {@code up} or {@code down}; latency is that of one trivial query. */
    record DatabaseHealth(String status, long latencyMs) {}

    /** The schema version the database is at, and how many migrations this build has beyond it. */
    record MigrationState(String version, Integer pending) {}

    record ServiceStatus(
            String service,
            String version,
            String environment,
            Instant startedAt,
            long uptimeSeconds,
            Long workspaceId,
            Long boards,
            Long tasks) {}

    private final DatabaseMonitor monitor;
    private final ServiceInfo info;
    private final Transactions tx;
    private final JdbcClient jdbc;
    private final ObjectProvider<LiveConnections> liveConnections;
    private final ObjectProvider<WorkerLag> workerLag;
    private final List<MigrationVersion> shippedMigrations;

    Health(
            DatabaseMonitor monitor,
            ServiceInfo info,
            Transactions tx,
            JdbcClient jdbc,
            ObjectProvider<LiveConnections> liveConnections,
            ObjectProvider<WorkerLag> workerLag,
            ResourcePatternResolver resources,
            @Value("${spring.flyway.locations:classpath:db/migration}") String[] locations) {
        this.monitor = monitor;
        this.info = info;
        this.tx = tx;
        this.jdbc = jdbc;
        this.liveConnections = liveConnections;
        this.workerLag = workerLag;
        this.shippedMigrations = shippedMigrations(resources, locations);
    }

    HealthReport report() {
        DatabaseMonitor.Check check = monitor.check();
        MigrationState migrations = check.up() ? migrations(check.schemaVersion()) : new MigrationState(null, null);
        DatabaseMonitor.PoolState pool = monitor.pool();
        Status status;
        if (!check.up()) {
            status = Status.UNAVAILABLE;
        } else if (migrations.pending() > 0 || pool.waiting() > 0 || check.latencyMs() >= 1000) {
            status = Status.DEGRADED;
        } else {
            status = Status.OK;
        }
        LiveConnections live = liveConnections.getIfAvailable();
        WorkerLag lag = workerLag.getIfAvailable();
        OptionalLong lagSeconds = lag == null ? OptionalLong.empty() : lag.seconds();
        return new HealthReport(
                status,
                info.version(),
                info.uptimeSeconds(),
                new DatabaseHealth(check.up() ? "up" : "down", check.latencyMs()),
                migrations,
                pool,
                live == null ? 0 : live.count(),
                lagSeconds.isPresent() ? lagSeconds.getAsLong() : null);
    }

    /** Service facts for anyone; the workspace's counts only for an authenticated caller. */
    ServiceStatus status() {
        var ctx = RequestScope.currentOrNull();
        if (ctx == null) {
            return new ServiceStatus(
                    ServiceInfo.NAME,
                    info.version(),
                    info.environment(),
                    info.startedAt(),
                    info.uptimeSeconds(),
                    null,
                    null,
                    null);
        }
        long workspaceId = ctx.workspaceId();
        long[] counts = tx.read(() -> jdbc.sql("""
                select (select count(*) from boards where workspace_id = :ws),
                       (select count(*) from tasks where workspace_id = :ws)
                """)
                .param("ws", workspaceId)
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single());
        return new ServiceStatus(
                ServiceInfo.NAME,
                info.version(),
                info.environment(),
                info.startedAt(),
                info.uptimeSeconds(),
                workspaceId,
                counts[0],
                counts[1]);
    }

    private MigrationState migrations(String current) {
        MigrationVersion at = current == null ? MigrationVersion.EMPTY : MigrationVersion.fromVersion(current);
        int pending =
                (int) shippedMigrations.stream().filter(v -> v.isNewerThan(at)).count();
        return new MigrationState(current, pending);
    }

    /** The versioned SQL migrations this build ships, found where Flyway looks for them. */
    private static List<MigrationVersion> shippedMigrations(ResourcePatternResolver resources, String[] locations) {
        List<MigrationVersion> versions = new ArrayList<>();
        List<String> classpathLocations = Arrays.stream(locations)
                .map(String::trim)
                .filter(l -> l.startsWith("classpath:"))
                .map(l -> l.substring("classpath:".length()).replaceAll("/$", ""))
                .toList();
        for (String location : classpathLocations) {
            String pattern = "classpath*:" + location + "/**/V*__*.sql";
            try {
                for (Resource r : resources.getResources(pattern)) {
                    Matcher m = SQL_MIGRATION.matcher(r.getFilename() == null ? "" : r.getFilename());
                    if (m.matches()) {
                        versions.add(MigrationVersion.fromVersion(m.group(1).replace('_', '.')));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(versions);
    }
}
