package dev.agentkanban.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for tests: real requests to the running app, JSON in and out. */
public final class Http {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final String[] defaults;
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A client sending {@code defaultHeaders} (name, value, ...) with every request unless a request names them itself. */
    public Http(String base, String... defaultHeaders) {
        this.base = base;
        this.defaults = defaultHeaders;
    }

    /** The same server as someone else: with these default headers instead. */
    public Http as(String... defaultHeaders) {
        return new Http(base, defaultHeaders);
    }

    /** A client with a bearer token. */
    public Http withToken(String token) {
        return as("Authorization", "Bearer " + token);
    }

    /** A client without credentials. */
    public Http anonymous() {
        return as();
    }

    public Response get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public Response post(String path, Object body, String... headers) {
        return send("POST", path, body, headers);
    }

    public Response put(String path, Object body, String... headers) {
        return send("PUT", path, body, headers);
    }

    public Response patch(String path, Object body, String... headers) {
        return send("PATCH", path, body, headers);
    }

    public Response delete(String path, String... headers) {
        return send("DELETE", path, null, headers);
    }

    /** Sends {@code body} as JSON: a String is sent as it is (so tests can send malformed JSON). */
    public Response send(String method, String path, Object body, String... headers) {
        String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        java.util.Set<String> named = new java.util.HashSet<>();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            named.add(headers[i].toLowerCase());
        }
        for (int i = 0; i + 1 < defaults.length; i += 2) {
            if (!named.contains(defaults[i].toLowerCase())) {
                b.header(defaults[i], defaults[i + 1]);
            }
        }
        if (text != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(
                method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        return send(b.build());
    }

    /** Sends a hand-built request, adding the default headers it does not name itself. */
    public Response execute(HttpRequest request) {
        HttpRequest.Builder b = HttpRequest.newBuilder(request, (name, value) -> true);
        for (int i = 0; i + 1 < defaults.length; i += 2) {
            if (request.headers().firstValue(defaults[i]).isEmpty()) {
                b.header(defaults[i], defaults[i + 1]);
            }
        }
        return send(b.build());
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<byte[]> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String base() {
        return base;
    }

    /** Builds a JSON object from alternating keys and values. */
    public static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public record Response(int status, Map<String, java.util.List<String>> headers, byte[] bytes) {

        public String body() {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            return JSON.readTree(bytes);
        }

        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }

        public long id() {
            return json().get("id").asLong();
        }

        @Override
        public String toString() {
            return status + " " + body();
        }
    }
}
