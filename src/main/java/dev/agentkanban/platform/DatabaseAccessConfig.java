package dev.agentkanban.platform;

import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * The service's {@code JdbcTemplate} (and so its {@code JdbcClient}) and transaction manager, both on
 * one {@link BoundDataSource} over the pool, so that a transaction's connection is one that carries the
 * request's row-level-security settings with its statements. The {@code DataSource} bean itself stays
 * the pool (Flyway, health and metrics see it as before).
 */
@Configuration(proxyBeanMethods = false)
class DatabaseAccessConfig {

    /** Holds the one {@link BoundDataSource} (not a DataSource bean: the pool stays the only one). */
    record BoundPool(BoundDataSource dataSource) {}

    @Bean
    BoundPool boundPool(DataSource dataSource, DatabaseMonitor monitor) {
        return new BoundPool(new BoundDataSource(dataSource, monitor.waiters()));
    }

    @Bean
    JdbcTemplate jdbcTemplate(BoundPool pool) {
        return new JdbcTemplate(pool.dataSource());
    }

    @Bean
    JdbcTransactionManager transactionManager(BoundPool pool) {
        return new JdbcTransactionManager(pool.dataSource());
    }
}
