package dev.agentkanban.worker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker's only way to the API: HTTP with the service token. Reads the change feed, pushes hints
 * and reports how far the worker has read.
 */
class ApiClient {

    /** The API could not be asked (down, unreachable, 5xx, rate limited): try again later. */
    static final class Unavailable extends Exception {
        private final Duration retryAfter;

        Unavailable(String message) {
            this(message, Duration.ZERO);
        }

        Unavailable(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        /** How long the API asked to wait ({@code Retry-After}); zero when it did not say. */
        Duration retryAfter() {
            return retryAfter;
        }
    }

    /** An answer of the API: status and JSON body (null when there was none). */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The API will not accept this request however often it is sent. */
        boolean refused() {
            return status == 400 || status == 404 || status == 409 || status == 410 || status == 413 || status == 422;
        }
    }

    private final URI base;
    private final String token;
    private final Duration timeout;
    private final JsonMapper json;
    private final HttpClient http;

    ApiClient(URI base, String token, Duration timeout, JsonMapper json) {
        this.base = base;
        this.token = token;
        this.timeout = timeout;
        this.json = json;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    URI base() {
        return base;
    }

    /** One page of the change feed after {@code cursor}: 200 with {items, next_cursor, has_more}, or 410. */
    Answer events(long cursor, int limit) throws Unavailable {
        return send(request("/api/v1/events?after=" + cursor + "&limit=" + limit)
                .GET()
                .build());
    }

    Answer pushHint(long taskId, Map<String, Object> hint) throws Unavailable {
        return post("/api/v1/tasks/" + taskId + "/hints", hint);
    }

    /** Tells the API how far this worker has processed the feed (for the health's worker lag). */
    Answer reportProgress(long cursor) throws Unavailable {
        return send(request("/api/v1/events/progress")
                .PUT(body(Map.of("cursor", cursor)))
                .header("Content-Type", "application/json")
                .build());
    }

    private Answer post(String path, Map<String, Object> body) throws Unavailable {
        return send(request(path)
                .POST(body(body))
                .header("Content-Type", "application/json")
                .build());
    }

    private HttpRequest.BodyPublisher body(Map<String, Object> body) {
        return HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header("User-Agent", "agent-kanban-worker");
    }

    /** A {@code Retry-After} of seconds (at most an hour), else zero. */
    static Duration retryAfter(String header) {
        if (header == null
                || header.isBlank()
                || header.length() > 9
                || !header.strip().chars().allMatch(Character::isDigit)) {
            return Duration.ZERO;
        }
        return Duration.ofSeconds(Math.min(3600, Long.parseLong(header.strip())));
    }

    private Answer send(HttpRequest request) throws Unavailable {
        HttpResponse<byte[]> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Unavailable(request.method() + " " + request.uri().getPath() + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
        if (r.statusCode() >= 500 || r.statusCode() == 429 || r.statusCode() == 408) {
            throw new Unavailable(
                    request.method() + " " + request.uri().getPath() + " answered " + r.statusCode(),
                    retryAfter(r.headers().firstValue("Retry-After").orElse(null)));
        }
        JsonNode body = null;
        if (r.body().length > 0) {
            try {
                body = json.readTree(r.body());
            } catch (RuntimeException notJson) {
                throw new Unavailable(request.method() + " " + request.uri().getPath() + " answered " + r.statusCode()
                        + " without JSON");
            }
        }
        return new Answer(r.statusCode(), body);
    }
}
