package dev.agentkanban.worker;

import dev.agentkanban.support.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A worker started in the test JVM exactly as the jar's {@code worker} mode starts it, on a database
 * of its own, with short intervals. The API database settings point at a closed port: the worker must
 * not need them. {@link #db} reads the worker database for assertions.
 */
final class RunningWorker implements AutoCloseable {

    static final String NOWHERE = "127.0.0.1:1/no_api_database";

    final ConfigurableApplicationContext context;
    final JdbcClient db;

    private RunningWorker(ConfigurableApplicationContext context, JdbcClient db) {
        this.context = context;
        this.db = db;
    }

    /** A new database for a worker (or for several sharing it). */
    static TestDatabase database() {
        return TestDatabase.get().another("kanban_worker_test");
    }

    static RunningWorker start(
            TestDatabase database, String apiUrl, String token, List<Class<?>> extraSources, String... settings) {
        List<String> args = new ArrayList<>(List.of(
                "--WORKER_DATABASE_URL=" + database.urlWithCredentials(),
                "--API_URL=" + apiUrl,
                "--WORKER_API_TOKEN=" + token,
                "--DATABASE_URL=postgresql://" + NOWHERE,
                "--spring.datasource.url=jdbc:postgresql://" + NOWHERE,
                "--kanban.worker.poll-interval=PT0.1S",
                "--kanban.worker.retry-backoff=PT0.2S",
                "--kanban.worker.sync-backoff=PT0.2S",
                "--kanban.worker.sync-max-backoff=PT1S",
                "--kanban.worker.lease=PT30S",
                "--kanban.worker.pool-size=3"));
        for (String s : settings) {
            args.add("--" + s);
        }
        ConfigurableApplicationContext context = Worker.start(extraSources, args.toArray(String[]::new));
        DriverManagerDataSource ds = new DriverManagerDataSource(database.jdbcUrl);
        ds.setUsername(database.username);
        ds.setPassword(database.password);
        return new RunningWorker(context, JdbcClient.create(ds));
    }

    long count(String sql) {
        return db.sql(sql).query(Long.class).single();
    }

    @Override
    public void close() {
        context.close();
    }
}
