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
 */
class DatabaseUrlEnvironmentPostProcessor implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String raw = environment.getProperty("DATABASE_URL");
        if (raw == null || raw.isBlank() || environment.containsProperty("spring.datasource.url")) {
            return;
        }
        DatabaseUrl url = DatabaseUrl.parse(raw);
        Map<String, Object> props = new HashMap<>();
        props.put("spring.datasource.url", url.jdbcUrl());
        if (url.username() != null) {
            props.put("spring.datasource.username", url.username());
        }
        if (url.password() != null) {
            props.put("spring.datasource.password", url.password());
        }
        environment.getPropertySources().addLast(new MapPropertySource("kanbanDatabaseUrl", props));
    }
}
