package dev.agentkanban.platform;

import dev.agentkanban.KanbanApplication;
import dev.agentkanban.identity.Identities;
import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Workspaces;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A whole app of its own on a random port, for tests that start, stop or starve one. */
final class RunningApp implements AutoCloseable {

    final ConfigurableApplicationContext context;
    final Http http;

    private RunningApp(ConfigurableApplicationContext context) {
        this(context, client(context));
    }

    private RunningApp(ConfigurableApplicationContext context, Http http) {
        this.context = context;
        this.http = http;
    }

    /** Starts an app that has no database to hold users: its client sends no credentials. */
    static RunningApp startWithoutDatabase(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--server.port=0");
        ConfigurableApplicationContext context =
                new SpringApplicationBuilder(KanbanApplication.class).run(all.toArray(String[]::new));
        return new RunningApp(
                context, new Http("http://localhost:" + context.getEnvironment().getProperty("local.server.port")));
    }

    /** A client with a token of a user of its own, or an anonymous one when the app has no database to hold users. */
    private static Http client(ConfigurableApplicationContext context) {
        Http anonymous = new Http("http://localhost:" + context.getEnvironment().getProperty("local.server.port"));
        try {
            Identities identities = context.getBean(Identities.class);
            long ws = context.getBean(Workspaces.class).defaultWorkspaceId();
            User user = identities.provision(
                    "runner-" + UUID.randomUUID().toString().substring(0, 8), null, ws, Role.ADMIN, false);
            return anonymous.withToken(identities.issueToken(user.id(), "tests", List.of("read", "write", "admin")));
        } catch (RuntimeException noDatabase) {
            return anonymous;
        }
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
