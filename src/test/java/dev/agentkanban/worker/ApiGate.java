package dev.agentkanban.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP forwarder between the worker and the API that a test can make misbehave: answer hint pushes
 * with 503 while everything else passes, or go away entirely (nothing listens on its port) and come
 * back on the same port.
 */
final class ApiGate implements AutoCloseable {

    private static final Set<String> HOP =
            Set.of("connection", "content-length", "expect", "host", "transfer-encoding", "upgrade");

    private final String target;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger refusedPushes = new AtomicInteger();
    private volatile boolean failPushes;
    private HttpServer server;
    private int port;

    ApiGate(String target) throws IOException {
        this.target = target;
        listen(0);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** While true, {@code POST .../hints} is answered 503 without reaching the API. */
    void failPushes(boolean fail) {
        failPushes = fail;
    }

    int refusedPushes() {
        return refusedPushes.get();
    }

    /** Stops listening: connections to the port are refused. */
    synchronized void down() {
        server.stop(0);
    }

    /** Listens on the same port again. */
    synchronized void up() throws IOException {
        listen(port);
    }

    private void listen(int onPort) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::forward);
        server.start();
        port = server.getAddress().getPort();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().toString();
            if (failPushes
                    && exchange.getRequestMethod().equals("POST")
                    && exchange.getRequestURI().getPath().endsWith("/hints")) {
                refusedPushes.incrementAndGet();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(
                            exchange.getRequestMethod(),
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase())) {
                    values.forEach(v -> b.header(name, v));
                }
            });
            HttpResponse<byte[]> r;
            try {
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            r.headers().map().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            exchange.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            if (r.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(r.body());
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        server.stop(0);
    }
}
