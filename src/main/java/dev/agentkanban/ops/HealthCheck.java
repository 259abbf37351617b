package dev.agentkanban.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The container image's health check, for images without a shell or curl: exits 0 when
 * {@code http://127.0.0.1:$PORT/readyz} (or the path given as the first argument) answers 200 within
 * 3 s, else 1. Needs nothing but the JDK: {@code java -cp /app/classes dev.agentkanban.ops.HealthCheck}.
 */
final class HealthCheck {

    private HealthCheck() {}

    public static void main(String[] args) {
        String port = System.getenv().getOrDefault("PORT", "8080");
        String path = args.length > 0 ? args[0] : "/readyz";
        try {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(3))
                    .build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(3))
                    .GET()
                    .build();
            int status =
                    client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            System.out.println(path + " " + status);
            System.exit(status == 200 ? 0 : 1);
        } catch (Exception e) {
            System.out.println(path + " " + e);
            System.exit(1);
        }
    }
}
