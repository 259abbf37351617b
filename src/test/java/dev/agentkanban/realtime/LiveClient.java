package dev.agentkanban.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A WebSocket client for tests, on Java's built-in {@link WebSocket}: every message it receives goes
 * into a queue that tests poll with a timeout. It can answer heartbeats, and it can stop reading
 * (like a client on a slow network) to test back-pressure.
 */
final class LiveClient implements WebSocket.Listener, AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    record Closed(int code, String reason) {}

    static final String CLOSED = "(closed)";

    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final boolean reading;
    private volatile boolean answerHeartbeats;
    private WebSocket socket;

    private LiveClient(boolean reading) {
        this.reading = reading;
    }

    /** Connects to {@code path} offering the token as subprotocols {@code bearer, <token>}. */
    static LiveClient connect(int port, String path, String token) {
        return open(port, path, token, true);
    }

    /** Connects like {@link #connect}, with handshake headers ({@code name, value, ...}), as a non-browser client can. */
    static LiveClient connect(int port, String path, String token, String... headers) {
        return open(port, path, token, true, headers);
    }

    /**
     * Connects and reads nothing after the first message, like a client on a congested downlink;
     * it keeps sending heartbeat responses, so the server can only drop it for being slow.
     */
    static LiveClient connectNotReading(int port, String path, String token) {
        LiveClient client = open(port, path, token, false);
        Thread.ofVirtual().start(() -> {
            while (!client.closed.isDone()) {
                try {
                    client.send("{\"type\":\"heartbeat_response\"}");
                    Thread.sleep(200); // keep-alive cadence, not a synchronisation point
                } catch (InterruptedException | RuntimeException e) {
                    return;
                }
            }
        });
        return client;
    }

    /** Connects with whatever the path carries (a {@code token} parameter, or nothing). */
    static CompletableFuture<WebSocket> attempt(int port, String path) {
        return CLIENT.newWebSocketBuilder()
                .buildAsync(URI.create("ws://localhost:" + port + path), new LiveClient(true));
    }

    private static LiveClient open(int port, String path, String token, boolean reading, String... headers) {
        LiveClient client = new LiveClient(reading);
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(WAIT);
        if (token != null) {
            builder.subprotocols("bearer", token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        client.socket = builder.buildAsync(URI.create("ws://localhost:" + port + path), client)
                .join();
        return client;
    }

    LiveClient answeringHeartbeats() {
        answerHeartbeats = true;
        return this;
    }

    String subprotocol() {
        return socket.getSubprotocol();
    }

    /** Java's WebSocket allows one outstanding send at a time, hence the lock. */
    synchronized void send(String text) {
        socket.sendText(text, true).join();
    }

    void subscribe(long boardId) {
        send("{\"type\":\"subscribe_board\",\"board_id\":" + boardId + "}");
    }

    /** The next message of any kind except heartbeats. */
    JsonNode next() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode m = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError(
                        "no message within " + WAIT + (closed.isDone() ? "; closed: " + closed.join() : ""));
            }
            if (!"heartbeat".equals(text(m, "type"))) {
                return m;
            }
        }
    }

    /** The next message, which must be of this type. */
    JsonNode expect(String type) throws InterruptedException {
        JsonNode m = next();
        assertThat(text(m, "type")).as("message %s", m).isEqualTo(type);
        return m;
    }

    /**
     * The next message, which must be a board event of this kind. A {@code board_created} event is
     * skipped: tests create a board right before subscribing, and a subscription starts at the feed
     * horizon, which may trail that commit by a moment, so the board's creation can still arrive live.
     */
    JsonNode expectEvent(String event) throws InterruptedException {
        JsonNode m = next();
        while ("board_created".equals(text(m, "event")) && !event.equals("board_created")) {
            m = next();
        }
        assertThat(text(m, "event")).as("message %s", m).isEqualTo(event);
        return m;
    }

    /** The next heartbeat (other messages before it are dropped). */
    JsonNode expectHeartbeat() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode m = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(m).as("a heartbeat within " + WAIT).isNotNull();
            if ("heartbeat".equals(text(m, "type"))) {
                return m;
            }
        }
    }

    /** Resumes reading (a stalled client catching up) and waits for the server to close the connection. */
    Closed awaitClose() throws Exception {
        if (!reading) {
            socket.request(Long.MAX_VALUE);
        }
        return closed.get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
    }

    boolean isClosed() {
        return closed.isDone();
    }

    private static String text(JsonNode m, String field) {
        JsonNode v = m.get(field);
        return v == null ? null : v.asString();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            JsonNode m = Http.JSON.readTree(partial.toString());
            partial.setLength(0);
            messages.add(m);
            if (answerHeartbeats && "heartbeat".equals(text(m, "type"))) {
                send("{\"type\":\"heartbeat_response\"}");
            }
        }
        if (reading) {
            webSocket.request(1);
        }
        return null;
    }

    /** The server's close also arrives as a message, {@code {"type": "(closed)", code, reason}}, after everything else. */
    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason));
        messages.add(Http.JSON
                .createObjectNode()
                .put("type", CLOSED)
                .put("code", statusCode)
                .put("reason", reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Closed(-1, String.valueOf(error)));
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
            try {
                closed.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
    }
}
