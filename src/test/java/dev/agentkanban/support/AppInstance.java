package dev.agentkanban.support;

import dev.agentkanban.KanbanApplication;
import dev.agentkanban.identity.Identities;
import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Workspaces;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A whole app instance started by a test itself, on a free port against the test database: for tests
 * about how instances start or cooperate (several at once, other environments). Close it when done.
 */
public final class AppInstance implements AutoCloseable {

    public final ConfigurableApplicationContext context;
    public final Http http;

    private AppInstance(ConfigurableApplicationContext context) {
        this.context = context;
        this.http = new Http("http://localhost:" + context.getEnvironment().getProperty("local.server.port"));
    }

    /** Starts an instance; {@code settings} are {@code name=value} properties that win over every other source. */
    public static AppInstance start(List<Class<?>> extraSources, String... settings) {
        return startOn(TestDatabase.get(), extraSources, settings);
    }

    /** Starts an instance on a database of the test's own (see {@link TestDatabase#another}). */
    public static AppInstance startOn(TestDatabase db, List<Class<?>> extraSources, String... settings) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=" + db.jdbcUrl,
                "--spring.datasource.hikari.maximum-pool-size=4"));
        if (db.username != null) {
            args.add("--spring.datasource.username=" + db.username);
        }
        if (db.password != null) {
            args.add("--spring.datasource.password=" + db.password);
        }
        for (String s : settings) {
            args.add("--" + s);
        }
        List<Class<?>> sources = new ArrayList<>(List.of(KanbanApplication.class));
        sources.addAll(extraSources);
        return new AppInstance(
                new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).run(args.toArray(String[]::new)));
    }

    public static AppInstance start(String... settings) {
        return start(List.of(), settings);
    }

    /** A new member of the default workspace and an API token of theirs. */
    public String memberToken(String username) {
        return token(username, Role.MEMBER, "read", "write");
    }

    /** A new user with this role in the default workspace and an API token of theirs with these scopes. */
    public String token(String username, Role role, String... scopes) {
        Identities identities = context.getBean(Identities.class);
        long workspace = context.getBean(Workspaces.class).defaultWorkspaceId();
        User user = identities.provision(username, username + "-password", workspace, role, false);
        return identities.issueToken(user.id(), "tests", List.of(scopes));
    }

    /** A client of this instance for a new member of the default workspace. */
    public Http member(String username) {
        return http.withToken(memberToken(username));
    }

    @Override
    public void close() {
        context.close();
    }
}
