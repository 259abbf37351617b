package dev.agentkanban.worker;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.springframework.core.env.PropertyResolver;

/**
 * The worker's configuration, from {@code kanban.worker.*} (application.yml maps the environment
 * variables onto it: {@code WORKER_DATABASE_URL}, {@code API_URL}, {@code WORKER_API_TOKEN}, ...).
 *
 * @param databaseUrl   the worker's own database; blank: an embedded one in {@code DATA_DIR/worker-postgres}
 * @param apiUrl        where the API answers
 * @param apiToken      an API token with read and write scopes (required)
 * @param name          this worker's name in job leases and in the API's follower list
 * @param agents        the agents to run (empty: all built-in ones)
 */
record WorkerSettings(
        String databaseUrl,
        URI apiUrl,
        String apiToken,
        String name,
        List<String> agents,
        Duration pollInterval,
        int maxAttempts,
        Duration retryBackoff,
        Duration syncBackoff,
        Duration syncMaxBackoff,
        Duration lease,
        Duration staleAfter,
        Duration staleCheck,
        Duration requestTimeout,
        int poolSize) {

    static final String TOKEN_MISSING = "WORKER_API_TOKEN is not set: the worker reads the API's change feed and"
            + " pushes hints with an API token of read and write scopes (create one with POST /api/v1/tokens)";

    static WorkerSettings from(PropertyResolver env) {
        String token = env.getProperty("kanban.worker.api-token", "");
        if (token.isBlank()) {
            throw new IllegalStateException(TOKEN_MISSING);
        }
        String api = env.getProperty("kanban.worker.api-url", "http://127.0.0.1:8080")
                .strip();
        URI apiUrl;
        try {
            apiUrl = URI.create(api.endsWith("/") ? api.substring(0, api.length() - 1) : api);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("API_URL is not a URL: " + api);
        }
        if (!"http".equals(apiUrl.getScheme()) && !"https".equals(apiUrl.getScheme())) {
            throw new IllegalStateException("API_URL must start with http:// or https://, not " + api);
        }
        String name = env.getProperty("kanban.worker.name", "");
        if (name.isBlank()) {
            name = "worker-" + ProcessHandle.current().pid();
        }
        List<String> agents = Arrays.stream(
                        env.getProperty("kanban.worker.agents", "").split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
        return new WorkerSettings(
                env.getProperty("kanban.worker.database-url", "").strip(),
                apiUrl,
                token.strip(),
                name,
                agents,
                duration(env, "poll-interval", "PT1S"),
                env.getProperty("kanban.worker.max-attempts", Integer.class, 3),
                duration(env, "retry-backoff", "PT5S"),
                duration(env, "sync-backoff", "PT5S"),
                duration(env, "sync-max-backoff", "PT5M"),
                duration(env, "lease", "PT2M"),
                duration(env, "stale-after", "P7D"),
                duration(env, "stale-check", "PT1H"),
                duration(env, "request-timeout", "PT10S"),
                env.getProperty("kanban.worker.pool-size", Integer.class, 4));
    }

    private static Duration duration(PropertyResolver env, String key, String fallback) {
        String raw = env.getProperty("kanban.worker." + key, fallback).strip();
        try {
            return Duration.parse(raw);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "kanban.worker." + key + " must be an ISO-8601 duration such as PT1S, not " + raw);
        }
    }

    /** The delay before attempt {@code attempt + 1}: {@code initial} doubled per attempt so far, at most {@code max}. */
    static Duration backoff(Duration initial, int attempt, Duration max) {
        Duration d = initial.multipliedBy(1L << Math.min(Math.max(attempt - 1, 0), 20));
        return d.compareTo(max) > 0 ? max : d;
    }
}
