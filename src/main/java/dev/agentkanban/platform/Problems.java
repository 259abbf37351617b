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

    /**
     * The type of a problem that says no more than its status (a route that does not exist, a method or
     * media type it does not take, a request the container refused): the same type the API's own
     * refusals of that kind carry, so that one kind of problem has one type wherever it is raised.
     */
    public static String typeOf(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "too-large";
            case 415 -> "unsupported-media-type";
            case 429 -> "rate-limited";
            case 503 -> "unavailable";
            default -> status.is5xxServerError() ? "internal" : "http-" + status.value();
        };
    }

    /**
     * The title of {@link #typeOf}'s problems, in the API's sentence case ("Not found", "Bad request",
     * "Content too large", as {@link ApiException}'s): RFC 9457 wants one title per type, and Spring's
     * and the container's reason phrases ("Not Found") would give a second one.
     */
    public static String titleOf(HttpStatusCode status) {
        if (status.is5xxServerError() && status.value() != 503) {
            return "Internal error";
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        if (known == null) {
            return "Error";
        }
        String phrase = known.getReasonPhrase();
        return phrase.charAt(0) + phrase.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    public static ProblemDetail of(ApiException e) {
        return of(e.status(), e.type(), e.title(), e.getMessage(), e.properties());
    }
}
