package dev.agentkanban.platform;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The pool as the service's {@code JdbcClient} and transaction manager see it: connections that send the
 * request's row-level-security settings (actor, workspace and the {@code kanban_app} role, see
 * {@link Transactions}) in the same round trip as the statement that needs them, instead of as a
 * statement of their own.
 *
 * <p>The settings are {@code set_config(..., true)} calls put in front of the statement, in one string
 * the driver sends at once (one Sync: PostgreSQL runs both in one transaction, so the settings hold for
 * the statement and end with it). Inside a transaction they go with its first statement and hold until
 * it ends; outside one (a read, {@link Transactions#read}) they go with every statement, each of which is
 * then a transaction of its own: no {@code BEGIN}/{@code COMMIT} round trips for a read.
 *
 * <p>A statement that cannot carry them (one asking for generated keys, a call, a plain
 * {@code Statement}) gets them as a statement of their own first, as before.
 */
final class BoundDataSource extends DelegatingDataSource {

    /** Actor and workspace the settings bind (both as text, as set_config takes them). */
    record Binding(String actor, String workspaceId) {}

    /** The binding every auto-commit statement of this thread carries (while a read runs). */
    private static final ThreadLocal<Binding> AUTOCOMMIT = new ThreadLocal<>();
    /** Set while a write whose result nobody reads may wait for the COMMIT ({@link #atCommit}). */
    private static final ThreadLocal<Boolean> AT_COMMIT = new ThreadLocal<>();

    private volatile String settings;
    /** The settings and a statement as one text, by the statement's text (a read's text is most often a constant). */
    private final java.util.concurrent.ConcurrentHashMap<String, String> carrying =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final ConnectionWaiters waiters;

    BoundDataSource(DataSource target, ConnectionWaiters waiters) {
        super(target);
        this.waiters = waiters;
    }

    /** Runs {@code work} with every auto-commit statement of this thread carrying {@code binding}. */
    static <T> T autoCommitBound(Binding binding, java.util.function.Supplier<T> work) {
        Binding previous = AUTOCOMMIT.get();
        AUTOCOMMIT.set(binding);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                AUTOCOMMIT.remove();
            } else {
                AUTOCOMMIT.set(previous);
            }
        }
    }

    /**
     * Runs {@code work}, whose statements only write (an update count of 1 is assumed and nothing is
     * read back), so that they may be sent together with the transaction's COMMIT in one round trip.
     * They are sent earlier when another statement of the transaction follows (in their order), and
     * at once inside a savepoint (which could still be rolled back without them).
     */
    static void atCommit(Runnable work) {
        Boolean previous = AT_COMMIT.get();
        AT_COMMIT.set(true);
        try {
            work.run();
        } finally {
            if (previous == null) {
                AT_COMMIT.remove();
            } else {
                AT_COMMIT.set(previous);
            }
        }
    }

    /** Binds the transaction {@code connection} (one of ours) runs to {@code binding}, from its next statement on. */
    static void bindTransaction(Connection connection, Binding binding) throws SQLException {
        connection.unwrap(Bound.class).bind(binding);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(waiters.acquire(super::getConnection));
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(waiters.acquire(() -> super.getConnection(username, password)));
    }

    private Connection wrap(Connection real) {
        return new Bound(real);
    }

    /**
     * The settings statement: actor, workspace, and the {@code kanban_app} role where the migration
     * could create it and the pool's user may take it on (asked once).
     */
    private String settings(Connection real) throws SQLException {
        String known = settings;
        if (known == null) {
            boolean appRole;
            try (Statement s = real.createStatement();
                    ResultSet rs = s.executeQuery(
                            "select case when exists (select 1 from pg_roles where rolname = 'kanban_app')"
                                    + " then pg_has_role(current_user, 'kanban_app', 'member') else false end")) {
                appRole = rs.next() && rs.getBoolean(1);
            }
            known = "select set_config('kanban.actor', ?, true), set_config('kanban.workspace_id', ?, true)"
                    + (appRole ? ", set_config('role', 'kanban_app', true)" : "");
            settings = known;
        }
        return known;
    }

    /**
     * {@code settings} in front of {@code sql}, made once for up to {@value #CARRIED} texts: the driver
     * looks its parsed statements up by their text, which is cheaper on a string it has already hashed.
     */
    private String carrying(String settings, String sql) {
        String text = carrying.get(sql);
        if (text == null) {
            text = settings + ";\n" + sql;
            if (carrying.size() < CARRIED) {
                carrying.putIfAbsent(sql, text);
            }
        }
        return text;
    }

    private static final int CARRIED = 256;

    /** One pooled connection: what it still has to send, and what its transaction is bound to. */
    final class Bound extends DelegatingConnection {
        /** What the open transaction's next statement must bind (null: nothing). */
        private Binding pending;
        /** What the open transaction is bound to (null: nothing yet). */
        private Binding bound;
        /** Writes waiting for the COMMIT, in order. */
        private final java.util.List<Deferred> deferred = new java.util.ArrayList<>();
        /** Savepoints set and not yet released. */
        private int savepoints;

        Bound(Connection real) {
            super(real);
        }

        void bind(Binding binding) {
            pending = binding.equals(bound) ? null : binding;
        }

        @Override
        public PreparedStatement prepareStatement(String sql) throws SQLException {
            if (deferrable()) {
                return deferring(sql);
            }
            flush(false);
            Binding carried = carried();
            return carried != null ? combined(carried, sql) : delegate.prepareStatement(sql);
        }

        @Override
        public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
            settingsFirst();
            return delegate.prepareStatement(sql, autoGeneratedKeys);
        }

        @Override
        public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
            settingsFirst();
            return delegate.prepareStatement(sql, columnIndexes);
        }

        @Override
        public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
            settingsFirst();
            return delegate.prepareStatement(sql, columnNames);
        }

        @Override
        public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
                throws SQLException {
            settingsFirst();
            return delegate.prepareStatement(sql, resultSetType, resultSetConcurrency);
        }

        @Override
        public PreparedStatement prepareStatement(
                String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
            settingsFirst();
            return delegate.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
        }

        @Override
        public java.sql.CallableStatement prepareCall(String sql) throws SQLException {
            settingsFirst();
            return delegate.prepareCall(sql);
        }

        @Override
        public java.sql.CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
                throws SQLException {
            settingsFirst();
            return delegate.prepareCall(sql, resultSetType, resultSetConcurrency);
        }

        @Override
        public java.sql.CallableStatement prepareCall(
                String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
            settingsFirst();
            return delegate.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
        }

        @Override
        public Statement createStatement() throws SQLException {
            settingsFirst();
            return delegate.createStatement();
        }

        @Override
        public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
            settingsFirst();
            return delegate.createStatement(resultSetType, resultSetConcurrency);
        }

        @Override
        public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
                throws SQLException {
            settingsFirst();
            return delegate.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability);
        }

        @Override
        public String nativeSQL(String sql) throws SQLException {
            flush(false);
            return delegate.nativeSQL(sql);
        }

        @Override
        public java.sql.Savepoint setSavepoint() throws SQLException {
            flush(false);
            savepoints++;
            return delegate.setSavepoint();
        }

        @Override
        public java.sql.Savepoint setSavepoint(String name) throws SQLException {
            flush(false);
            savepoints++;
            return delegate.setSavepoint(name);
        }

        @Override
        public void releaseSavepoint(java.sql.Savepoint savepoint) throws SQLException {
            savepoints--;
            delegate.releaseSavepoint(savepoint);
        }

        @Override
        public void commit() throws SQLException {
            if (!deferred.isEmpty()) {
                // the writes and the COMMIT in one round trip; the driver then has nothing to send
                flush(true);
            }
            pending = null;
            bound = null;
            delegate.commit();
        }

        @Override
        public void rollback() throws SQLException {
            ended();
            delegate.rollback();
        }

        /** Rolled back to a savepoint, the transaction goes on, but its settings may be undone. */
        @Override
        public void rollback(java.sql.Savepoint savepoint) throws SQLException {
            pending = null;
            bound = null;
            delegate.rollback(savepoint);
        }

        @Override
        public void setAutoCommit(boolean autoCommit) throws SQLException {
            ended();
            delegate.setAutoCommit(autoCommit);
        }

        @Override
        public void close() throws SQLException {
            ended();
            delegate.close();
        }

        /** The transaction ends: nothing waits, nothing is bound. */
        private void ended() {
            deferred.clear();
            savepoints = 0;
            pending = null;
            bound = null;
        }

        /** Before a statement that cannot carry the settings: they go as a statement of their own. */
        private void settingsFirst() throws SQLException {
            flush(false);
            Binding carried = carried();
            if (carried != null) {
                sendAlone(carried);
            }
        }

        private boolean deferrable() throws SQLException {
            return Boolean.TRUE.equals(AT_COMMIT.get())
                    && savepoints == 0
                    && pending == null
                    && !delegate.getAutoCommit();
        }

        /** A statement that records its parameters and, executed, waits for the COMMIT. */
        private PreparedStatement deferring(String sql) {
            Deferred d = new Deferred(sql, new java.util.ArrayList<>());
            return (PreparedStatement) Proxy.newProxyInstance(
                    BoundDataSource.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                        String name = m.getName();
                        if (m.getDeclaringClass() == PreparedStatement.class
                                && name.startsWith("set")
                                && a != null
                                && a.length >= 2
                                && a[0] instanceof Integer) {
                            d.parameters().add(new Object[] {m, a});
                            return null;
                        }
                        return switch (name) {
                            case "executeUpdate" -> {
                                deferred.add(d);
                                yield 1;
                            }
                            case "executeLargeUpdate" -> {
                                deferred.add(d);
                                yield 1L;
                            }
                            case "close", "clearWarnings" -> null;
                            case "getWarnings", "getResultSet" -> null;
                            case "isClosed", "getMoreResults" -> false;
                            case "getUpdateCount" -> 1;
                            case "getConnection" -> delegate;
                            case "getParameterMetaData" -> {
                                try (PreparedStatement described = delegate.prepareStatement(sql)) {
                                    yield described.getParameterMetaData();
                                }
                            }
                            case "hashCode" -> System.identityHashCode(p);
                            case "equals" -> p == a[0];
                            case "toString" -> "deferred: " + sql;
                            default -> {
                                if (m.getDeclaringClass() == Statement.class && name.startsWith("set")) {
                                    yield null; // fetch size, time-outs and the like: nothing to fetch, nothing to wait
                                    // for
                                }
                                throw new SQLException("a write waiting for the COMMIT only executes: " + name);
                            }
                        };
                    });
        }

        /** Sends the waiting writes (and with {@code commit}, the COMMIT after them) in one round trip. */
        private void flush(boolean commit) throws SQLException {
            if (deferred.isEmpty()) {
                return;
            }
            StringBuilder sql = new StringBuilder();
            for (Deferred d : deferred) {
                sql.append(d.sql()).append(";\n");
            }
            if (commit) {
                sql.append("commit");
            }
            try (PreparedStatement ps = delegate.prepareStatement(sql.toString())) {
                int offset = 0;
                for (Deferred d : deferred) {
                    int count = 0;
                    for (Object[] call : d.parameters()) {
                        Object[] args = ((Object[]) call[1]).clone();
                        count = Math.max(count, (Integer) args[0]);
                        args[0] = (Integer) args[0] + offset;
                        replay(ps, (Method) call[0], args);
                    }
                    offset += count;
                }
                deferred.clear();
                ps.execute();
            }
        }

        /** What the next statement has to carry: a transaction's pending binding, or an auto-commit read's. */
        private Binding carried() throws SQLException {
            if (!delegate.getAutoCommit()) {
                Binding b = pending;
                if (b != null) {
                    pending = null;
                    bound = b;
                }
                return b;
            }
            return AUTOCOMMIT.get();
        }

        private void sendAlone(Binding binding) throws SQLException {
            try (PreparedStatement ps = delegate.prepareStatement(settings(delegate))) {
                ps.setString(1, binding.actor());
                ps.setString(2, binding.workspaceId());
                ps.execute();
            }
        }

        private PreparedStatement combined(Binding binding, String sql) throws SQLException {
            PreparedStatement ps = delegate.prepareStatement(carrying(settings(delegate), sql));
            ps.setString(1, binding.actor());
            ps.setString(2, binding.workspaceId());
            return new Combined(ps, binding);
        }
    }

    /** A write waiting for the COMMIT: its SQL and its parameter setter calls (method, arguments). */
    private record Deferred(String sql, java.util.List<Object[]> parameters) {}

    /**
     * A statement behind the settings: parameter {@code n} is the driver's {@code n + 2}, and the first
     * result (the settings' row) is skipped.
     */
    private static final class Combined extends DelegatingPreparedStatement {
        private static final int SHIFT = 2;
        private final Binding binding;

        Combined(PreparedStatement real, Binding binding) {
            super(real);
            this.binding = binding;
        }

        @Override
        protected int parameter(int index) {
            return index + SHIFT;
        }

        @Override
        public ResultSet executeQuery() throws SQLException {
            delegate.execute();
            delegate.getMoreResults();
            return delegate.getResultSet();
        }

        @Override
        public int executeUpdate() throws SQLException {
            delegate.execute();
            delegate.getMoreResults();
            return delegate.getUpdateCount();
        }

        @Override
        public long executeLargeUpdate() throws SQLException {
            delegate.execute();
            delegate.getMoreResults();
            return delegate.getLargeUpdateCount();
        }

        @Override
        public boolean execute() throws SQLException {
            delegate.execute();
            return delegate.getMoreResults();
        }

        @Override
        public void clearParameters() throws SQLException {
            delegate.clearParameters();
            delegate.setString(1, binding.actor());
            delegate.setString(2, binding.workspaceId());
        }

        @Override
        public ParameterMetaData getParameterMetaData() throws SQLException {
            ParameterMetaData meta = delegate.getParameterMetaData();
            return (ParameterMetaData) Proxy.newProxyInstance(
                    BoundDataSource.class.getClassLoader(),
                    new Class<?>[] {ParameterMetaData.class},
                    (p, m, a) -> m.getName().equals("getParameterCount")
                            ? (Object) (meta.getParameterCount() - SHIFT)
                            : call(
                                    meta,
                                    m,
                                    a != null && a.length == 1 && a[0] instanceof Integer i
                                            ? new Object[] {i + SHIFT}
                                            : a));
        }

        @Override
        public void addBatch() throws SQLException {
            throw unbatchable();
        }

        @Override
        public void addBatch(String sql) throws SQLException {
            throw unbatchable();
        }

        @Override
        public int[] executeBatch() throws SQLException {
            throw unbatchable();
        }

        @Override
        public long[] executeLargeBatch() throws SQLException {
            throw unbatchable();
        }

        private static SQLException unbatchable() {
            return new SQLException("a statement carrying the request's settings cannot be batched");
        }
    }

    /** Replays a recorded parameter setter call on {@code target}. */
    private static void replay(PreparedStatement target, Method method, Object[] args) throws SQLException {
        try {
            method.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new SQLException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
