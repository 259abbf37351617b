package dev.agentkanban.ops;

import dev.agentkanban.platform.InvalidSetting;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code LOG_FORMAT}: {@code json} (or {@code ecs}) writes the console log as Elastic Common Schema JSON
 * lines, {@code logstash} and {@code gelf} as those formats (Spring Boot's structured logging); unset or
 * {@code text} keeps the plain text lines. Runs before the logging system starts. An explicit
 * {@code logging.structured.format.console} wins.
 */
class LogFormatEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String PROPERTY = "logging.structured.format.console";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String raw = environment.getProperty("LOG_FORMAT");
        if (raw == null || raw.isBlank() || environment.containsProperty(PROPERTY)) {
            return;
        }
        String format = switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "json", "ecs" -> "ecs";
            case "logstash" -> "logstash";
            case "gelf" -> "gelf";
            case "text", "plain" -> null;
            default -> throw new InvalidSetting("LOG_FORMAT", "'" + raw + "' is not json, ecs, logstash, gelf or text");
        };
        if (format != null) {
            environment
                    .getPropertySources()
                    .addLast(new MapPropertySource("kanbanLogFormat", Map.of(PROPERTY, format)));
        }
    }
}
