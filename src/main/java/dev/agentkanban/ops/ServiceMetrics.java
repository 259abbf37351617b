package dev.agentkanban.ops;

import dev.agentkanban.events.ChangeStream;
import dev.agentkanban.platform.DatabaseMonitor;
import dev.agentkanban.platform.LiveConnections;
import dev.agentkanban.platform.WorkerLag;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The service's own gauges, next to what Spring Boot measures itself (HTTP requests, the pool, the
 * JVM). The figures that need the database are read at scrape time on {@link DatabaseMonitor}'s own
 * connection, never the pool, and are absent (NaN) while the database is down.
 * <ul>
 * <li>{@code kanban.websocket.connections}: open live-update connections on this instance;</li>
 * <li>{@code kanban.outbox.lag} (s): age of the oldest committed event this instance has not handed to
 * its live listeners yet (0 when caught up);</li>
 * <li>{@code kanban.webhook.backlog}: webhook deliveries waiting to be sent (all instances), and
 * {@code kanban.webhook.oldest} (s): how long the oldest of them has waited;</li>
 * <li>{@code kanban.worker.lag} (s): as in the health report.</li>
 * </ul>
 */
final class ServiceMetrics implements MeterBinder {

    private static final String WEBHOOK_BACKLOG = "select count(*) from webhook_deliveries where status = 'pending'";
    private static final String WEBHOOK_OLDEST = """
            select coalesce(extract(epoch from now() - min(queued_at)), 0)::bigint
            from webhook_deliveries where status = 'pending'
            """;

    private final DatabaseMonitor monitor;
    private final ObjectProvider<LiveConnections> live;
    private final ObjectProvider<WorkerLag> workerLag;
    private final ObjectProvider<ChangeStream> stream;

    ServiceMetrics(
            DatabaseMonitor monitor,
            ObjectProvider<LiveConnections> live,
            ObjectProvider<WorkerLag> workerLag,
            ObjectProvider<ChangeStream> stream) {
        this.monitor = monitor;
        this.live = live;
        this.workerLag = workerLag;
        this.stream = stream;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        SlowSqlLog.counter().register(registry);
        Gauge.builder("kanban.websocket.connections", this, m -> {
                    LiveConnections c = m.live.getIfAvailable();
                    return c == null ? 0 : c.count();
                })
                .description("open live-update (WebSocket) connections on this instance")
                .register(registry);
        gauge(
                registry,
                "kanban.outbox.lag",
                "seconds",
                "age of the oldest committed event not yet handed to live listeners here",
                this::outboxLag);
        gauge(
                registry,
                "kanban.webhook.backlog",
                null,
                "webhook deliveries waiting to be sent",
                () -> database(WEBHOOK_BACKLOG));
        gauge(
                registry,
                "kanban.webhook.oldest",
                "seconds",
                "how long the oldest waiting webhook delivery has waited",
                () -> database(WEBHOOK_OLDEST));
        gauge(registry, "kanban.worker.lag", "seconds", "age of the oldest event a worker has not processed", () -> {
            WorkerLag lag = workerLag.getIfAvailable();
            return lag == null ? OptionalLong.empty() : lag.seconds();
        });
    }

    private OptionalLong outboxLag() {
        ChangeStream s = stream.getIfAvailable();
        if (s == null || monitor.isDown()) {
            return OptionalLong.empty();
        }
        return monitor.systemNumber("select coalesce(extract(epoch from now() - min(occurred_at)), 0)::bigint "
                + "from outbox_events where id > " + s.position());
    }

    private OptionalLong database(String sql) {
        return monitor.isDown() ? OptionalLong.empty() : monitor.systemNumber(sql);
    }

    private void gauge(
            MeterRegistry registry, String name, String unit, String description, Supplier<OptionalLong> value) {
        Gauge.builder(name, value, v -> {
                    OptionalLong n = v.get();
                    return n.isPresent() ? n.getAsLong() : Double.NaN;
                })
                .baseUnit(unit)
                .description(description)
                .strongReference(true)
                .register(registry);
    }
}
