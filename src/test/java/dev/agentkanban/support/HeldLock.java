package dev.agentkanban.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A transaction-scoped advisory lock (by name, as the service takes it with
 * {@code pg_advisory_xact_lock(hashtextextended(name, 0))}, or by number) held on a connection of its
 * own, as another instance would hold it, until closed.
 */
public final class HeldLock implements AutoCloseable {

    private final Connection connection;

    private HeldLock(Connection connection) {
        this.connection = connection;
    }

    public static HeldLock hold(DataSource dataSource, String name) throws SQLException {
        return hold(dataSource, "select pg_advisory_xact_lock(hashtextextended(?, 0))", name);
    }

    public static HeldLock hold(DataSource dataSource, long key) throws SQLException {
        return hold(dataSource, "select pg_advisory_xact_lock(?)", key);
    }

    private static HeldLock hold(DataSource dataSource, String sql, Object key) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement lock = connection.prepareStatement(sql)) {
                lock.setObject(1, key);
                lock.execute();
            }
            return new HeldLock(connection);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    /** Lets go of the lock: the transaction that holds it is rolled back. */
    @Override
    public void close() throws SQLException {
        try (connection) {
            connection.rollback();
        }
    }
}
