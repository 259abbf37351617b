package dev.agentkanban.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * With {@code READ_DATABASE_URL} ({@code kanban.read-database.url}) the service's {@code dataSource}
 * becomes a {@link ReadRoutingDataSource}: the primary's pool as before, plus a pool on the replica
 * for {@link ReplicaReads} and a two-connection pool on the primary for the callers' read positions
 * (its own, so that recording a position after a commit never waits for the busy main pool).
 * Without the setting nothing changes.
 */
@Configuration(proxyBeanMethods = false)
class ReadReplicaConfig {

    @Bean
    @ConditionalOnProperty("kanban.read-database.url")
    static BeanPostProcessor readRouting(Environment env) {
        return new RoutingPostProcessor(env);
    }

    /**
     * Not {@link Ordered}, so it runs after the ordered post-processors of the pool (the slow-SQL proxy
     * of {@code ops.ObservabilityConfig}) and wraps what they made.
     */
    private record RoutingPostProcessor(Environment env) implements BeanPostProcessor {

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (!"dataSource".equals(beanName) || !(bean instanceof DataSource primary)) {
                return bean;
            }
            HikariDataSource pool =
                    DataSourceUnwrapper.unwrap(primary, HikariConfigMXBean.class, HikariDataSource.class);
            HikariConfig replica = like(pool, "kanban-replica");
            replica.setJdbcUrl(env.getRequiredProperty("kanban.read-database.url"));
            replica.setUsername(
                    env.getProperty("kanban.read-database.username", pool == null ? null : pool.getUsername()));
            replica.setPassword(
                    env.getProperty("kanban.read-database.password", pool == null ? null : pool.getPassword()));
            replica.setMaximumPoolSize(env.getProperty("kanban.read-database.pool-size", Integer.class, 10));
            replica.setReadOnly(true);
            // a replica that does not answer sends heavy reads to the primary after 2 s at most
            replica.setConnectionTimeout(Math.min(replica.getConnectionTimeout(), 2000));
            HikariConfig positions = like(pool, "kanban-read-positions");
            positions.setJdbcUrl(pool != null ? pool.getJdbcUrl() : env.getRequiredProperty("spring.datasource.url"));
            positions.setUsername(pool != null ? pool.getUsername() : env.getProperty("spring.datasource.username"));
            positions.setPassword(pool != null ? pool.getPassword() : env.getProperty("spring.datasource.password"));
            positions.setMaximumPoolSize(2);
            positions.setMinimumIdle(0);
            return new ReadRoutingDataSource(primary, replica, positions);
        }

        private static HikariConfig like(HikariDataSource pool, String name) {
            HikariConfig config = new HikariConfig();
            config.setPoolName(name);
            config.setConnectionTimeout(pool == null ? 5000 : pool.getConnectionTimeout());
            config.setMaxLifetime(pool == null ? 3_600_000 : pool.getMaxLifetime());
            if (pool != null) {
                config.setDataSourceProperties(pool.getDataSourceProperties());
            }
            return config;
        }
    }
}
