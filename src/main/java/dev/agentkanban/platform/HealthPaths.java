package dev.agentkanban.platform;

/**
 * The health endpoints' paths under the API ({@code /api/v1/health...}, and seed 002's
 * {@code /api/health...}): they answer without a request context, without credentials and during a
 * database outage. One list for the filters that let them pass.
 */
public final class HealthPaths {

    private HealthPaths() {}

    public static boolean isHealthPath(String path) {
        return path.equals("/api/v1/health")
                || path.startsWith("/api/v1/health/")
                || path.equals("/api/health")
                || path.startsWith("/api/health/");
    }
}
