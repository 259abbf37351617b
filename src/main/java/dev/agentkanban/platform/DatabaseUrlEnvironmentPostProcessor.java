package dev.agentkanban.platform;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Maps {@code DATABASE_URL} (seed form or JDBC form) onto the Spring datasource properties, so the
 * same variable works for every mode of the jar. Explicit {@code spring.datasource.*} settings win.
 *
 * <p>Two more, in the same forms: {@code READ_DATABASE_URL}, a read replica for heavy reads
 * ({@code kanban.read-database.*}, {@link ReplicaReads}); and {@code DATABASE_SESSION_URL}, a direct
 * connection to the primary for what needs a session of its own when {@code DATABASE_URL} goes through
 * a transaction-pooling PgBouncer: the migrations (Flyway's session lock) and the outbox listener's
 * {@code LISTEN} ({@code kanban.database.session-url}, {@code spring.flyway.*}).
 */
class DatabaseUrlEnvironmentPostProcessor implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> props = new HashMap<>();
        map(environment, "DATABASE_URL", "spring.datasource", props);
        map(environment, "READ_DATABASE_URL", "kanban.read-database", props);
        if (map(environment, "DATABASE_SESSION_URL", "kanban.database.session", props)) {
            map(environment, "DATABASE_SESSION_URL", "spring.flyway", props);
        }
        if (!props.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource("kanbanDatabaseUrl", props));
        }
    }

    /** {@code prefix.url}, {@code .username}, {@code .password} from the variable, unless {@code prefix.url} is set. */
    private static boolean map(
            ConfigurableEnvironment environment, String variable, String prefix, Map<String, Object> props) {
        String raw = environment.getProperty(variable);
        if (raw == null || raw.isBlank() || environment.containsProperty(prefix + ".url")) {
            return false;
        }
        DatabaseUrl url = DatabaseUrl.parse(raw);
        props.put(prefix + ".url", url.jdbcUrl());
        if (url.username() != null) {
            props.put(prefix + (prefix.equals("spring.flyway") ? ".user" : ".username"), url.username());
        }
        if (url.password() != null) {
            props.put(prefix + ".password", url.password());
        }
        return true;
    }
}
