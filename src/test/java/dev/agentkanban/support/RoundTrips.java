package dev.agentkanban.support;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Counts the database round trips of the requests that carry {@code X-Count-Round-Trips}, on the
 * service's real pool and driver. A round trip is what makes the driver wait for PostgreSQL: each
 * statement executed (a multi-statement string the driver sends at once is one), each batch, each
 * COMMIT or ROLLBACK of a transaction that ran something (also when ending it by switching auto-commit
 * back on), each savepoint command and each parameter description the driver has to ask for. The
 * driver sends {@code BEGIN} together with the transaction's first statement, so it is not one.
 * Background work on other threads (the outbox dispatcher, the health monitor) is not counted.
 */
@TestConfiguration
public class RoundTrips {

    /** One entry per round trip of the counted request: the SQL, or COMMIT, ROLLBACK, SAVEPOINT... */
    public static final List<String> TRIPS = new CopyOnWriteArrayList<>();

    public static final String HEADER = "X-Count-Round-Trips";

    private static final ThreadLocal<Boolean> COUNTING = ThreadLocal.withInitial(() -> false);

    @Bean
    static BeanPostProcessor countingRoundTrips() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof DataSource ds && !(bean instanceof Counting) && "dataSource".equals(name)
                        ? new Counting(ds)
                        : bean;
            }
        };
    }

    @Bean
    FilterRegistrationBean<Filter> countingRequests() {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
            boolean counted = ((HttpServletRequest) request).getHeader(HEADER) != null;
            COUNTING.set(counted);
            try {
                chain.doFilter(request, response);
            } finally {
                COUNTING.remove();
            }
        });
        registration.setOrder(Integer.MIN_VALUE);
        return registration;
    }

    /** The round trips {@code request} makes (it is handed the header to send). */
    public static List<String> of(java.util.function.Function<String[], Http.Response> request) {
        TRIPS.clear();
        Http.Response r = request.apply(new String[] {HEADER, "1"});
        if (r.status() >= 400) {
            throw new AssertionError("request failed: " + r);
        }
        return List.copyOf(TRIPS);
    }

    /**
     * The round trips {@code work} makes on the calling thread: background work (a fan-out, a
     * dispatcher's round) called directly by a test.
     */
    public static List<String> ofWork(Runnable work) {
        TRIPS.clear();
        COUNTING.set(true);
        try {
            work.run();
        } finally {
            COUNTING.remove();
        }
        return List.copyOf(TRIPS);
    }

    private static void trip(String what) {
        if (COUNTING.get()) {
            TRIPS.add(what.strip().replaceAll("\\s+", " "));
        }
    }

    static final class Counting extends DelegatingDataSource {
        Counting(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return connection(super.getConnection());
        }

        private static Connection connection(Connection real) {
            // whether the open transaction has run anything (then ending it is a round trip)
            boolean[] dirty = {false};
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        String name = method.getName();
                        switch (name) {
                            case "commit", "rollback" -> {
                                if (args != null && args.length == 1) {
                                    trip("ROLLBACK TO SAVEPOINT");
                                } else if (dirty[0] && !real.getAutoCommit()) {
                                    trip(name.toUpperCase());
                                }
                                if (args == null) {
                                    dirty[0] = false;
                                }
                            }
                            case "setAutoCommit" -> {
                                if ((Boolean) args[0] && !real.getAutoCommit() && dirty[0]) {
                                    trip("COMMIT");
                                    dirty[0] = false;
                                }
                            }
                            case "setSavepoint" -> trip("SAVEPOINT");
                            case "releaseSavepoint" -> trip("RELEASE SAVEPOINT");
                            default -> {}
                        }
                        Object result = invoke(real, method, args);
                        if (result instanceof Statement s) {
                            String sql = args != null && args.length > 0 && args[0] instanceof String q ? q : null;
                            return statement(s, sql, real, dirty);
                        }
                        return result;
                    });
        }

        private static Object statement(Statement real, String preparedSql, Connection connection, boolean[] dirty) {
            Class<?> type = real instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
            return Proxy.newProxyInstance(
                    Connection.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
                        String name = method.getName();
                        if (name.startsWith("execute")) {
                            String sql =
                                    args != null && args.length > 0 && args[0] instanceof String q ? q : preparedSql;
                            trip(name.equals("executeBatch") ? "BATCH " + sql : String.valueOf(sql));
                            // a string ending in COMMIT ends the transaction: the driver's commit() then sends nothing
                            boolean commits =
                                    sql != null && sql.strip().toLowerCase().endsWith("commit");
                            if (!connection.getAutoCommit()) {
                                dirty[0] = !commits;
                            }
                        } else if (name.equals("getParameterMetaData")) {
                            trip("DESCRIBE " + preparedSql);
                        }
                        return invoke(real, method, args);
                    });
        }

        private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
