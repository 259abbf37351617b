package dev.agentkanban.platform;

import java.time.Duration;
import java.time.Instant;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;

/**
 * What this running service is: its version (from the build's {@code build-info.properties}, else the
 * jar manifest, else {@code dev}), the environment it was told it runs in, and since when it runs.
 */
@Component
public class ServiceInfo {

    public static final String NAME = "agent-kanban";

    /** Whether {@code ENVIRONMENT} says production ({@code production} or {@code prod}, in any case). */
    public static boolean production(String environment) {
        return "production".equalsIgnoreCase(environment) || "prod".equalsIgnoreCase(environment);
    }

    private final String version;
    private final String environment;
    private final Instant startedAt = Instant.now();

    ServiceInfo(ObjectProvider<BuildProperties> build, @Value("${kanban.environment}") String environment) {
        BuildProperties properties = build.getIfAvailable();
        String fromManifest = ServiceInfo.class.getPackage().getImplementationVersion();
        this.version = properties != null && properties.getVersion() != null
                ? properties.getVersion()
                : fromManifest != null ? fromManifest : "dev";
        this.environment = environment;
    }

    public String version() {
        return version;
    }

    public String environment() {
        return environment;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public long uptimeSeconds() {
        return Duration.between(startedAt, Instant.now()).toSeconds();
    }
}
