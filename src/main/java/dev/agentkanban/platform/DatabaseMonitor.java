package dev.agentkanban.platform;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Knows whether the database answers, without ever waiting on the connection pool. It keeps one
 * connection of its own outside the pool and runs a trivial query on it every second, with a 2 s
 * limit on connecting and on answering. While that fails, API requests are refused with a 503 at
 * once ({@link DatabaseOutageFilter}) instead of queueing for a pooled connection for the whole
 * 30 s acquire timeout; as soon as it succeeds again they pass (the pool reconnects by itself).
 */
@Component
public class DatabaseMonitor implements SmartInitializingSingleton, DisposableBean {

    static final int TIMEOUT_SECONDS = 2;

    private static final Logger log = LoggerFactory.getLogger(DatabaseMonitor.class);

    private final DataSource dataSource;
    private final HikariDataSource hikari;
    private volatile boolean down;
    private Connection connection; // guarded by this
    private final ConnectionWaiters waiters = new ConnectionWaiters(this::isDown);

    DatabaseMonitor(DataSource dataSource) {
        this.dataSource = dataSource;
        this.hikari = DataSourceUnwrapper.unwrap(dataSource, HikariConfigMXBean.class, HikariDataSource.class);
    }

    /** The outcome of one round trip: whether the database answered, how fast, and its schema version. */
    public record Check(boolean up, long latencyMs, String schemaVersion) {}

    /** The pool's numbers right now; all zero until the pool has opened its first connection. */
    public record PoolState(int active, int idle, int total, int max, int waiting) {}

    /** The requests waiting for a pooled connection, released with a 503 when an outage is noticed. */
    ConnectionWaiters waiters() {
        return waiters;
    }

    /** True when the last check failed; cheap, for every request. */
    public boolean isDown() {
        return down;
    }

    /** Asks the database now, at most {@value #TIMEOUT_SECONDS} s for connecting plus as long for answering. */
    public synchronized Check check() {
        long start = System.nanoTime();
        try {
            if (connection == null || connection.isClosed()) {
                connection = connect();
            }
            String schemaVersion;
            try (Statement s = connection.createStatement()) {
                s.setQueryTimeout(TIMEOUT_SECONDS);
                try (ResultSet rs = s.executeQuery("select to_regclass('flyway_schema_history') is not null")) {
                    rs.next();
                    schemaVersion = rs.getBoolean(1) ? schemaVersion(s) : null;
                }
            }
            long latency = (System.nanoTime() - start) / 1_000_000;
            if (down) {
                log.info("the database answers again");
                down = false;
            }
            return new Check(true, latency, schemaVersion);
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            if (!down) {
                log.warn("the database does not answer: {}", e.getMessage());
                down = true;
                waiters.releaseAll();
            }
            return new Check(false, (System.nanoTime() - start) / 1_000_000, null);
        }
    }

    /**
     * One number from a read-only query on the monitor's own connection (never the pool), run as
     * system work ({@code kanban.system}, see events.SystemTransactions) within the same time limits;
     * empty when the query yields null or the database does not answer. For health figures.
     */
    public synchronized OptionalLong systemNumber(String sql) {
        try {
            if (connection == null || connection.isClosed()) {
                connection = connect();
            }
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                s.setQueryTimeout(TIMEOUT_SECONDS);
                s.execute("select set_config('kanban.system', 'on', true)");
                try (ResultSet rs = s.executeQuery(sql)) {
                    if (!rs.next()) {
                        return OptionalLong.empty();
                    }
                    long value = rs.getLong(1);
                    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
                }
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            return OptionalLong.empty();
        }
    }

    public PoolState pool() {
        if (hikari == null) {
            return new PoolState(0, 0, 0, 0, 0);
        }
        HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
        int max = hikari.getMaximumPoolSize();
        if (pool == null) {
            return new PoolState(0, 0, 0, max, 0);
        }
        return new PoolState(
                pool.getActiveConnections(),
                pool.getIdleConnections(),
                pool.getTotalConnections(),
                max,
                pool.getThreadsAwaitingConnection());
    }

    @Scheduled(fixedDelayString = "${kanban.database-check-interval:PT1S}")
    void watch() {
        check();
    }

    /** Knows the state before the server takes its first request. */
    @Override
    public void afterSingletonsInstantiated() {
        check();
    }

    @Override
    public synchronized void destroy() {
        closeQuietly();
    }

    private static String schemaVersion(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("""
                select version from flyway_schema_history
                where success and version is not null order by installed_rank desc limit 1
                """)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** A connection outside the pool, with the pool's settings but short timeouts. */
    private Connection connect() throws SQLException {
        if (hikari == null || hikari.getJdbcUrl() == null) {
            return dataSource.getConnection(); // not a URL-configured pool: the best we can do
        }
        Properties props = new Properties();
        props.putAll(hikari.getDataSourceProperties());
        if (hikari.getUsername() != null) {
            props.setProperty("user", hikari.getUsername());
        }
        if (hikari.getPassword() != null) {
            props.setProperty("password", hikari.getPassword());
        }
        props.setProperty("connectTimeout", Integer.toString(TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Integer.toString(TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", Integer.toString(TIMEOUT_SECONDS * 2));
        props.setProperty("ApplicationName", "agent-kanban health");
        return DriverManager.getConnection(hikari.getJdbcUrl(), props);
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being replaced anyway
            }
            connection = null;
        }
    }
}
