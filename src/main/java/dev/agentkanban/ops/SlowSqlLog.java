package dev.agentkanban.ops;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Logs every statement that took at least the threshold ({@code SLOW_SQL_MS}) as a warning on logger
 * {@code dev.agentkanban.sql.slow}, with its duration and its SQL text (never its parameters, which
 * may be user data), and counts it ({@code kanban.sql.slow}).
 *
 * <p>The pool's connections are wrapped so that each statement they make times its {@code execute…}
 * calls; every other call goes straight to the driver's statement. (It was datasource-proxy, which
 * recorded every parameter and built a context object for every JDBC call: 4–5 % of a write's CPU in
 * the service, docs/benchmarks.md.)
 */
final class SlowSqlLog extends DelegatingDataSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("dev.agentkanban.sql.slow");
    private static final int MAX_SQL_CHARS = 2000;
    private static final ClassLoader LOADER = SlowSqlLog.class.getClassLoader();

    private final HikariDataSource pool;
    private final long thresholdMs;
    private final Counter slow;

    SlowSqlLog(HikariDataSource pool, long thresholdMs, Counter slow) {
        super(pool);
        this.pool = pool;
        this.thresholdMs = thresholdMs;
        this.slow = slow;
    }

    /** Closes the pool: the context closes the bean it holds, which is this one. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return timed(super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return timed(super.getConnection(username, password));
    }

    private Connection timed(Connection real) {
        return (Connection) Proxy.newProxyInstance(LOADER, new Class<?>[] {Connection.class}, (proxy, m, args) -> {
            Object result = call(real, m, args);
            return switch (m.getName()) {
                case "prepareStatement" -> statement(PreparedStatement.class, result, (String) args[0]);
                case "prepareCall" -> statement(CallableStatement.class, result, (String) args[0]);
                case "createStatement" -> statement(Statement.class, result, null);
                default -> result;
            };
        });
    }

    /** {@code real} (a {@code type}) timing its executions; {@code sql} is null for a plain statement. */
    private Object statement(Class<?> type, Object real, String sql) {
        InvocationHandler timing = (proxy, m, args) -> {
            if (!m.getName().startsWith("execute")) {
                return call(real, m, args);
            }
            long start = System.nanoTime();
            boolean success = false;
            try {
                Object result = call(real, m, args);
                success = true;
                return result;
            } finally {
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (ms >= thresholdMs) {
                    String text = sql != null ? sql : args != null && args[0] instanceof String s ? s : "(batch)";
                    slow(ms, success, text);
                }
            }
        };
        return Proxy.newProxyInstance(LOADER, new Class<?>[] {type}, timing);
    }

    private void slow(long ms, boolean success, String statement) {
        slow.increment();
        String sql = oneLine(statement);
        if (sql.length() > MAX_SQL_CHARS) {
            sql = sql.substring(0, MAX_SQL_CHARS) + "...";
        }
        log.atWarn()
                .addKeyValue("sql.duration_ms", ms)
                .addKeyValue("sql.success", success)
                .addKeyValue("sql.statement", sql)
                .log("slow SQL ({} ms, threshold {} ms): {}", ms, thresholdMs, sql);
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Collapses runs of whitespace (text blocks span lines) without a regular expression. */
    static String oneLine(String sql) {
        StringBuilder b = new StringBuilder(sql.length());
        boolean space = false;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                space = b.length() > 0;
            } else {
                if (space) {
                    b.append(' ');
                    space = false;
                }
                b.append(c);
            }
        }
        return b.toString();
    }
}
