package dev.agentkanban.ops;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentkanban.events.ChangeStream;
import dev.agentkanban.platform.DatabaseMonitor;
import dev.agentkanban.platform.LiveConnections;
import dev.agentkanban.platform.WorkerLag;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.function.SingletonSupplier;

/** Wires the request log, the caller's log context, slow SQL, the service metrics and the database probe. */
@Configuration
class ObservabilityConfig {

    /** Just inside Spring Security's chain (-100), where the caller is known; before rate limits (-95). */
    static final int CALLER_ORDER = -99;

    @Bean
    @ConditionalOnWebApplication
    FilterRegistrationBean<RequestLogFilter> requestLogFilter(
            @Value("${kanban.access-log:true}") boolean accessLog, MeterRegistry registry) {
        FilterRegistrationBean<RequestLogFilter> registration =
                new FilterRegistrationBean<>(new RequestLogFilter(accessLog, registry));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    @ConditionalOnWebApplication
    FilterRegistrationBean<CallerLogFilter> callerLogFilter() {
        FilterRegistrationBean<CallerLogFilter> registration = new FilterRegistrationBean<>(new CallerLogFilter());
        registration.setOrder(CALLER_ORDER);
        return registration;
    }

    @Bean
    ServiceMetrics serviceMetrics(
            DatabaseMonitor monitor,
            ObjectProvider<LiveConnections> live,
            ObjectProvider<WorkerLag> workerLag,
            ObjectProvider<ChangeStream> stream) {
        return new ServiceMetrics(monitor, live, workerLag, stream);
    }

    /**
     * The database in {@code /actuator/health}: up while {@link DatabaseMonitor}'s last check (once a
     * second, outside the pool) succeeded. Never waits for the database itself. Not part of readiness
     * (application.yml says why).
     */
    @Bean
    HealthIndicator databaseHealthIndicator(DatabaseMonitor monitor) {
        return () -> monitor.isDown()
                ? Health.down().withDetail("database", "does not answer").build()
                : Health.up().build();
    }

    /**
     * Wraps the service's pool ({@code dataSource}) so that slow statements are logged
     * ({@link SlowSqlLog}); {@code SLOW_SQL_MS} of 0 or less leaves the pool unwrapped. Other
     * pools (the worker's) are left alone.
     */
    @Bean
    static BeanPostProcessor slowSqlDataSource(@Value("${kanban.slow-sql-ms:500}") long thresholdMs) {
        // ordered: runs before unordered post-processors that wrap the pool further (the read routing of
        // platform.ReadReplicaConfig), so the proxy sits right on the pool
        return new OrderedBeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (thresholdMs <= 0 || !"dataSource".equals(beanName) || !(bean instanceof HikariDataSource pool)) {
                    return bean;
                }
                // the global registry, at the first slow statement: the application's registry may not exist
                // yet when the pool does, and a meter registered with the global one before it is added makes
                // Micrometer warn at every start
                return new SlowSqlLog(
                        pool,
                        thresholdMs,
                        SingletonSupplier.of(() -> SlowSqlLog.counter().register(Metrics.globalRegistry)));
            }
        };
    }

    private interface OrderedBeanPostProcessor extends BeanPostProcessor, Ordered {
        @Override
        default int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
