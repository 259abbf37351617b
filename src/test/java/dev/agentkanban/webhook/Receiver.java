package dev.agentkanban.webhook;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A webhook receiver on 127.0.0.1 for tests: records every request and answers with scripted statuses. */
final class Receiver implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(15);

    record Request(Map<String, List<String>> headers, byte[] body, Instant at) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst()
                    .orElse(null);
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedDeque<Integer> script = new ConcurrentLinkedDeque<>();
    private volatile int otherwise = 200;
    private volatile byte[] answer;

    Receiver() throws IOException {
        this(0);
    }

    /** A receiver on this port of 127.0.0.1 (0: any free one). */
    Receiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            requests.add(new Request(Map.copyOf(exchange.getRequestHeaders()), body, Instant.now()));
            Integer status = script.pollFirst();
            byte[] text = answer;
            exchange.sendResponseHeaders(status == null ? otherwise : status, text == null ? -1 : text.length);
            if (text != null) {
                exchange.getResponseBody().write(text);
            }
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Answers the next requests with these statuses, then with {@code otherwise}. */
    Receiver answering(Integer... statuses) {
        script.addAll(List.of(statuses));
        return this;
    }

    /** Answers with this body from now on. */
    Receiver body(String text) {
        answer = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return this;
    }

    Receiver otherwise(int status) {
        otherwise = status;
        return this;
    }

    Request next() throws InterruptedException {
        Request r = requests.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no webhook request within " + WAIT);
        }
        return r;
    }

    /** How many requests arrived that {@link #next} has not taken yet. */
    int waiting() {
        return requests.size();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
