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

    BoundDataSource(DataSource target) {
        super(target);
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
        return wrap(super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(super.getConnection(username, password));
    }

    private Connection wrap(Connection real) {
        Bound bound = new Bound(real);
        return (Connection) Proxy.newProxyInstance(
                BoundDataSource.class.getClassLoader(), new Class<?>[] {Connection.class}, bound);
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

    /** One pooled connection: what it still has to send, and what its transaction is bound to. */
    final class Bound implements java.lang.reflect.InvocationHandler {
        private final Connection real;
        /** What the open transaction's next statement must bind (null: nothing). */
        private Binding pending;
        /** What the open transaction is bound to (null: nothing yet). */
        private Binding bound;
        /** Writes waiting for the COMMIT, in order. */
        private final java.util.List<Deferred> deferred = new java.util.ArrayList<>();
        /** Savepoints set and not yet released. */
        private int savepoints;

        Bound(Connection real) {
            this.real = real;
        }

        void bind(Binding binding) {
            pending = binding.equals(bound) ? null : binding;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "unwrap" -> {
                    if (args[0] == Bound.class) {
                        return this;
                    }
                }
                case "isWrapperFor" -> {
                    if (args[0] == Bound.class) {
                        return true;
                    }
                }
                case "prepareStatement" -> {
                    if (args.length == 1 && deferrable()) {
                        return deferring((String) args[0]);
                    }
                    flush(false);
                    Binding carried = carried();
                    if (carried != null) {
                        if (args.length == 1) {
                            return combined(carried, (String) args[0]);
                        }
                        sendAlone(carried);
                    }
                }
                case "prepareCall", "createStatement", "nativeSQL" -> {
                    flush(false);
                    Binding carried = carried();
                    if (carried != null && !method.getName().equals("nativeSQL")) {
                        sendAlone(carried);
                    }
                }
                case "setSavepoint" -> {
                    flush(false);
                    savepoints++;
                }
                case "releaseSavepoint" -> savepoints--;
                case "commit" -> {
                    if (!deferred.isEmpty()) {
                        // the writes and the COMMIT in one round trip; the driver then has nothing to send
                        flush(true);
                    }
                    pending = null;
                    bound = null;
                }
                case "rollback", "setAutoCommit", "close" -> {
                    // the transaction ends (or, rolled back to a savepoint, its settings may be undone)
                    if (args == null || !(args[0] instanceof java.sql.Savepoint)) {
                        deferred.clear();
                        savepoints = 0;
                    }
                    pending = null;
                    bound = null;
                }
                default -> {}
            }
            return call(real, method, args);
        }

        private boolean deferrable() throws SQLException {
            return Boolean.TRUE.equals(AT_COMMIT.get()) && savepoints == 0 && pending == null && !real.getAutoCommit();
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
                            case "getConnection" -> real;
                            case "getParameterMetaData" -> {
                                try (PreparedStatement described = real.prepareStatement(sql)) {
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
        private void flush(boolean commit) throws Throwable {
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
            try (PreparedStatement ps = real.prepareStatement(sql.toString())) {
                int offset = 0;
                for (Deferred d : deferred) {
                    int count = 0;
                    for (Object[] call : d.parameters()) {
                        Object[] args = ((Object[]) call[1]).clone();
                        count = Math.max(count, (Integer) args[0]);
                        args[0] = (Integer) args[0] + offset;
                        call(ps, (Method) call[0], args);
                    }
                    offset += count;
                }
                deferred.clear();
                ps.execute();
            }
        }

        /** What the next statement has to carry: a transaction's pending binding, or an auto-commit read's. */
        private Binding carried() throws SQLException {
            if (!real.getAutoCommit()) {
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
            try (PreparedStatement ps = real.prepareStatement(settings(real))) {
                ps.setString(1, binding.actor());
                ps.setString(2, binding.workspaceId());
                ps.execute();
            }
        }

        private PreparedStatement combined(Binding binding, String sql) throws SQLException {
            PreparedStatement ps = real.prepareStatement(settings(real) + ";\n" + sql);
            ps.setString(1, binding.actor());
            ps.setString(2, binding.workspaceId());
            return (PreparedStatement) Proxy.newProxyInstance(
                    BoundDataSource.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class},
                    new Combined(ps, binding));
        }
    }

    /** A write waiting for the COMMIT: its SQL and its parameter setter calls (method, arguments). */
    private record Deferred(String sql, java.util.List<Object[]> parameters) {}

    /**
     * A statement behind the settings: parameter {@code n} is the driver's {@code n + 2}, and the first
     * result (the settings' row) is skipped.
     */
    private static final class Combined implements java.lang.reflect.InvocationHandler {
        private static final int SHIFT = 2;
        private final PreparedStatement real;
        private final Binding binding;

        Combined(PreparedStatement real, Binding binding) {
            this.real = real;
            this.binding = binding;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (method.getDeclaringClass() == PreparedStatement.class
                    && name.startsWith("set")
                    && args != null
                    && args.length >= 2
                    && args[0] instanceof Integer index) {
                Object[] shifted = args.clone();
                shifted[0] = index + SHIFT;
                return call(real, method, shifted);
            }
            switch (name) {
                case "executeQuery" -> {
                    if (args == null) {
                        real.execute();
                        real.getMoreResults();
                        return real.getResultSet();
                    }
                }
                case "executeUpdate", "executeLargeUpdate" -> {
                    if (args == null) {
                        real.execute();
                        real.getMoreResults();
                        return name.equals("executeUpdate")
                                ? (Object) real.getUpdateCount()
                                : (Object) real.getLargeUpdateCount();
                    }
                }
                case "execute" -> {
                    if (args == null) {
                        real.execute();
                        return real.getMoreResults();
                    }
                }
                case "clearParameters" -> {
                    real.clearParameters();
                    real.setString(1, binding.actor());
                    real.setString(2, binding.workspaceId());
                    return null;
                }
                case "getParameterMetaData" -> {
                    ParameterMetaData meta = real.getParameterMetaData();
                    return Proxy.newProxyInstance(
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
                case "addBatch", "executeBatch", "executeLargeBatch" ->
                    throw new SQLException("a statement carrying the request's settings cannot be batched");
                default -> {}
            }
            return call(real, method, args);
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
