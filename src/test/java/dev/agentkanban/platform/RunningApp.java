package dev.agentkanban.platform;

import dev.agentkanban.KanbanApplication;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A whole app of its own on a random port, for tests that start, stop or starve one. */
final class RunningApp implements AutoCloseable {

    final ConfigurableApplicationContext context;
    final Http http;

    private RunningApp(ConfigurableApplicationContext context) {
        this.context = context;
        this.http = new Http("http://localhost:" + context.getEnvironment().getProperty("local.server.port"));
    }

    static RunningApp of(ConfigurableApplicationContext context) {
        return new RunningApp(context);
    }

    /** Starts the app with these command-line arguments (which outrank any environment variable). */
    static RunningApp start(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--server.port=0");
        return new RunningApp(new SpringApplicationBuilder(KanbanApplication.class).run(all.toArray(String[]::new)));
    }

    /** Arguments that point the app at the tests' database, at {@code jdbcUrl} (the real one, or a proxy of it). */
    static List<String> testDatabase(String jdbcUrl) {
        TestDatabase db = TestDatabase.get();
        List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + jdbcUrl));
        if (db.username != null) {
            args.add("--spring.datasource.username=" + db.username);
        }
        if (db.password != null) {
            args.add("--spring.datasource.password=" + db.password);
        }
        return args;
    }

    @Override
    public void close() {
        context.close();
    }
}
