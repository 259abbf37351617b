package dev.agentkanban.platform;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the problem documents every error response uses. */
public final class Problems {

    public static final String TYPE_BASE = "https://agent-kanban.dev/problems/";

    /** RFC 9457's own members, which no extension property may repeat. */
    private static final java.util.Set<String> RESERVED =
            java.util.Set.of("type", "title", "status", "detail", "instance");

    /** What a 503 tells clients to wait before retrying. */
    public static final String RETRY_AFTER_SECONDS = "5";

    private Problems() {}

    public static ProblemDetail of(
            HttpStatusCode status, String type, String title, String detail, Map<String, Object> properties) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + type));
        problem.setTitle(title);
        if (properties != null) {
            // never a second "status" (or type, title...): a client would read the wrong one
            properties.forEach((k, v) -> {
                if (!RESERVED.contains(k)) {
                    problem.setProperty(k, v);
                }
            });
        }
        return problem;
    }

    /** The database cannot be reached: a 503 the client should retry after {@link #RETRY_AFTER_SECONDS}. */
    public static ProblemDetail databaseUnavailable() {
        return of(
                HttpStatus.SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
                "the database is not reachable right now; retry shortly",
                null);
    }

    public static ProblemDetail of(ApiException e) {
        return of(e.status(), e.type(), e.title(), e.getMessage(), e.properties());
    }
}
