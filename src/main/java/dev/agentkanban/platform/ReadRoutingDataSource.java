package dev.agentkanban.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The service's {@code dataSource} when {@code READ_DATABASE_URL} names a read replica: connections
 * come from the primary's pool, except while {@link #onReplica} runs on this thread, when they come
 * from the replica's. Transactions take their connection when they begin, so a transaction begun
 * inside {@code onReplica} runs on the replica from start to end, and one begun outside on the primary.
 *
 * <p>It also keeps, on the primary through a small pool of its own, each caller's read position: the
 * primary's WAL position right after the caller's last write committed ({@code read_positions}, V25).
 * The position is shared by every instance (it is in the database), so a caller who writes through one
 * instance and reads through another still reads their own writes.
 */
final class ReadRoutingDataSource extends DelegatingDataSource implements AutoCloseable {

    private static final ThreadLocal<Boolean> ON_REPLICA = new ThreadLocal<>();

    private final HikariDataSource replica;
    private final HikariDataSource positions;

    ReadRoutingDataSource(DataSource primary, HikariConfig replica, HikariConfig positions) {
        super(primary);
        this.replica = new HikariDataSource(replica);
        this.positions = new HikariDataSource(positions);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return Boolean.TRUE.equals(ON_REPLICA.get())
                ? replica.getConnection()
                : obtainTargetDataSource().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return Boolean.TRUE.equals(ON_REPLICA.get())
                ? replica.getConnection(username, password)
                : obtainTargetDataSource().getConnection(username, password);
    }

    /** Runs {@code work} with new connections (and so new transactions) taken from the replica. */
    <T> T onReplica(Supplier<T> work) {
        Boolean before = ON_REPLICA.get();
        ON_REPLICA.set(Boolean.TRUE);
        try {
            return work.get();
        } finally {
            if (before == null) {
                ON_REPLICA.remove();
            } else {
                ON_REPLICA.set(before);
            }
        }
    }

    /** Records that the caller's write has committed: their read position becomes the primary's WAL position now. */
    void recordWrite(long workspaceId, String actor) throws SQLException {
        try (Connection c = positions.getConnection();
                PreparedStatement s = c.prepareStatement("select kanban_record_read_position(?, ?)")) {
            s.setLong(1, workspaceId);
            s.setString(2, actor);
            s.execute();
        }
    }

    /** The caller's read position (a WAL position as a number), 0 when they never wrote. */
    long readPosition(long workspaceId, String actor) throws SQLException {
        try (Connection c = positions.getConnection();
                PreparedStatement s = c.prepareStatement("select kanban_read_position(?, ?)")) {
            s.setLong(1, workspaceId);
            s.setString(2, actor);
            return single(s);
        }
    }

    /** The primary's WAL position now: every transaction committed so far lies at or below it. */
    long primaryPosition() throws SQLException {
        try (Connection c = positions.getConnection();
                PreparedStatement s = c.prepareStatement("select (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")) {
            return single(s);
        }
    }

    /**
     * Whether the replica has replayed the WAL up to {@code position}, so that it shows every
     * transaction committed at or below it. A server that is not in recovery (a replica promoted, or
     * the primary itself) shows everything.
     */
    boolean replicaHasReplayed(long position) throws SQLException {
        try (Connection c = replica.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select case when pg_is_in_recovery()"
                                + " then coalesce((pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint, -1) else 9223372036854775807 end")) {
            return single(s) >= position;
        }
    }

    private static long single(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            long value = rs.getLong(1);
            return rs.wasNull() ? 0 : value;
        }
    }

    /** Closes all three pools: the container closes the {@code dataSource} bean, which is this one now. */
    @Override
    public void close() throws Exception {
        replica.close();
        positions.close();
        if (obtainTargetDataSource() instanceof AutoCloseable primary) {
            primary.close();
        }
    }
}
