import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live update latency (bench/run.sh, SPEC §10): opens N WebSocket subscribers of one board, then
 * changes tasks of that board one at a time through the HTTP API and records, per change and
 * subscriber, when the event arrived. Run as a single-file program:
 *
 * <pre>
 * java bench/ws/WsLatency.java --base http://127.0.0.1:8080 --token TOKEN --board 1 --tasks 1-10000 \
 *     --subscribers 1,100,1000 --events 100 [--warmup 5]
 * </pre>
 *
 * <p>Each change is {@code PATCH /api/v1/tasks/{id}} with a unique title, so its event is recognised
 * by that title. The next change is sent only when every subscriber has the previous one (or after a
 * 10 s deadline, which counts the missing deliveries as errors). Two start instants are reported:
 * sending the request (an upper bound on commit-to-delivery: it includes the request's own work
 * before the commit) and receiving the response (the commit happened before it; an event can arrive
 * before the response, so this is not a bound in either direction, only a reference).
 *
 * <p>Prints one line per subscriber count, {@code WS subscribers=N events=E deliveries=D missing=M
 * ...}, and exits with 1 when a delivery is missing, a request failed or a subscriber did not connect.
 */
public class WsLatency {

    private static final Pattern MARK = Pattern.compile("\"title\":\"wslat-(\\d+)-(\\d+)\"");
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    /** A browser gives up on a handshake after about this long; the service must answer well within it. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    private static final int CONCURRENT_HANDSHAKES = 64;

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        URI base = URI.create(a.getOrDefault("base", "http://127.0.0.1:8080"));
        String token = required(a, "token");
        long board = Long.parseLong(required(a, "board"));
        String[] range = required(a, "tasks").split("-");
        long minTask = Long.parseLong(range[0]), maxTask = Long.parseLong(range[1]);
        int events = Integer.parseInt(a.getOrDefault("events", "100"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "5"));
        boolean failed = false;
        for (String n : a.getOrDefault("subscribers", "1,100,1000").split(",")) {
            Round round = new Round(base, token, board, minTask, maxTask, Integer.parseInt(n.trim()));
            failed |= !round.run(warmup, events);
        }
        System.exit(failed ? 1 : 0);
    }

    /** One subscriber count: connect, subscribe, measure, close. */
    static final class Round {
        final URI base;
        final String token;
        final long board;
        final long minTask, maxTask;
        final int n;
        final int run = ThreadLocalRandom.current().nextInt(1, 1_000_000_000);
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final List<HttpClient> wsClients = new ArrayList<>();
        final List<WebSocket> sockets = new ArrayList<>();
        final CountDownLatch connected;
        final CountDownLatch subscribed;
        final AtomicInteger protocolErrors = new AtomicInteger();
        final AtomicInteger closedByServer = new AtomicInteger();
        volatile boolean closing;
        /** Per change (by sequence number): the arrival time per subscriber, and a latch counting them. */
        final AtomicReferenceArray<long[]> arrivals;
        final AtomicReferenceArray<CountDownLatch> delivered;

        Round(URI base, String token, long board, long minTask, long maxTask, int n) {
            this.base = base;
            this.token = token;
            this.board = board;
            this.minTask = minTask;
            this.maxTask = maxTask;
            this.n = n;
            this.connected = new CountDownLatch(n);
            this.subscribed = new CountDownLatch(n);
            this.arrivals = new AtomicReferenceArray<>(100_000);
            this.delivered = new AtomicReferenceArray<>(100_000);
            // a few clients spread the sockets over several selector threads
            for (int i = 0; i < Math.min(4, n); i++) {
                wsClients.add(HttpClient.newHttpClient());
            }
        }

        boolean run(int warmup, int events) throws Exception {
            long t0 = System.nanoTime();
            if (!connect()) {
                return false;
            }
            long connectMs = (System.nanoTime() - t0) / 1_000_000;
            int seq = 0, missing = 0, httpErrors = 0;
            long[] fromSend = new long[events * n];
            long[] fromResponse = new long[events * n];
            long[] requests = new long[events];
            int k = 0, r = 0;
            for (int e = 0; e < warmup + events; e++, seq++) {
                Change c = change(seq);
                if (c == null) {
                    httpErrors++;
                    continue;
                }
                delivered.get(seq).await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                long[] at = arrivals.get(seq);
                if (e < warmup) {
                    continue;
                }
                requests[r++] = c.answered - c.sent;
                for (int s = 0; s < n; s++) {
                    if (at[s] == 0) {
                        missing++;
                    } else {
                        fromSend[k] = at[s] - c.sent;
                        fromResponse[k] = at[s] - c.answered;
                        k++;
                    }
                }
            }
            int closedEarly = closedByServer.get();
            close();
            long[] send = Arrays.copyOf(fromSend, k), resp = Arrays.copyOf(fromResponse, k), req = Arrays.copyOf(requests, r);
            Arrays.sort(send);
            Arrays.sort(resp);
            Arrays.sort(req);
            System.out.printf("WS subscribers=%d events=%d deliveries=%d missing=%d http_errors=%d protocol_errors=%d connect_ms=%d"
                            + " p50_send_ms=%.2f p99_send_ms=%.2f max_send_ms=%.2f p50_response_ms=%.2f p99_response_ms=%.2f"
                            + " p50_request_ms=%.2f closed_by_server=%d%n",
                    n, events, k, missing, httpErrors, protocolErrors.get(), connectMs, ms(pct(send, 50)), ms(pct(send, 99)),
                    ms(k == 0 ? 0 : send[k - 1]), ms(pct(resp, 50)), ms(pct(resp, 99)), ms(pct(req, 50)), closedEarly);
            return missing == 0 && httpErrors == 0 && protocolErrors.get() == 0 && closedEarly == 0;
        }

        /** Opens the N sockets (at most 64 handshakes at a time) and subscribes each to the board. */
        boolean connect() throws InterruptedException {
            String ws = base.toString().replaceFirst("^http", "ws") + "/ws";
            List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
            java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(CONCURRENT_HANDSHAKES);
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                HttpClient client = wsClients.get(i % wsClients.size());
                CompletableFuture<WebSocket> f = client.newWebSocketBuilder()
                        .subprotocols("bearer", token)
                        .connectTimeout(HANDSHAKE_TIMEOUT)
                        .buildAsync(URI.create(ws), new Subscriber(this, i))
                        .whenComplete((s, err) -> inFlight.release());
                opening.add(f);
            }
            // every handshake is waited for, so that a failure reports how many failed, not only the first
            int failed = 0;
            String first = null;
            for (CompletableFuture<WebSocket> f : opening) {
                try {
                    sockets.add(f.get(60, TimeUnit.SECONDS));
                } catch (Exception e) {
                    failed++;
                    first = first == null ? e.toString() : first;
                }
            }
            if (failed > 0) {
                System.err.println("WS connect failed for " + failed + " of " + n + " subscribers (handshake timeout "
                        + HANDSHAKE_TIMEOUT.toSeconds() + " s, " + CONCURRENT_HANDSHAKES + " at a time); first: " + first);
                close();
                return false;
            }
            if (!connected.await(60, TimeUnit.SECONDS)) {
                System.err.println("WS: " + connected.getCount() + " of " + n + " subscribers got no 'connected' message");
                return false;
            }
            String subscribe = "{\"type\":\"subscribe_board\",\"board_id\":" + board + "}";
            for (WebSocket s : sockets) {
                s.sendText(subscribe, true);
            }
            if (!subscribed.await(60, TimeUnit.SECONDS)) {
                System.err.println("WS: " + subscribed.getCount() + " of " + n + " subscribers got no 'subscribed' answer");
                return false;
            }
            return true;
        }

        record Change(long sent, long answered) {}

        /** One change through the HTTP API: a new, recognisable title for a random task of the board. */
        Change change(int seq) throws Exception {
            arrivals.set(seq, new long[n]);
            delivered.set(seq, new CountDownLatch(n));
            long task = ThreadLocalRandom.current().nextLong(minTask, maxTask + 1);
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/tasks/" + task))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"title\":\"wslat-" + run + "-" + seq + "\"}"))
                    .timeout(DEADLINE)
                    .build();
            long sent = System.nanoTime();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                // a timed-out or refused change counts as an HTTP error (the run fails) but the round ends with its line
                System.err.println("WS: PATCH task " + task + " failed: " + e);
                return null;
            }
            long answered = System.nanoTime();
            if (response.statusCode() != 200) {
                System.err.println("WS: PATCH task " + task + " answered " + response.statusCode() + ": " + response.body());
                return null;
            }
            return new Change(sent, answered);
        }

        void arrived(int subscriber, CharSequence message, long at) {
            String text = message.toString();
            if (text.startsWith("{\"event\"")) {
                Matcher m = MARK.matcher(text);
                if (m.find() && Integer.parseInt(m.group(1)) == run) {
                    int seq = Integer.parseInt(m.group(2));
                    long[] times = arrivals.get(seq);
                    if (times != null && times[subscriber] == 0) {
                        times[subscriber] = at;
                        delivered.get(seq).countDown();
                    }
                }
            } else if (text.contains("\"type\":\"connected\"")) {
                connected.countDown();
            } else if (text.contains("\"type\":\"subscribed\"")) {
                subscribed.countDown();
            } else if (text.contains("\"type\":\"error\"")) {
                protocolErrors.incrementAndGet();
                System.err.println("WS error message: " + text);
            }
        }

        void close() {
            closing = true;
            for (WebSocket s : sockets) {
                s.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
            }
            for (WebSocket s : sockets) {
                s.abort();
            }
            for (HttpClient c : wsClients) {
                c.close();
            }
            http.close();
        }
    }

    /** Collects the fragments of each text message and hands whole messages to the round. */
    static final class Subscriber implements WebSocket.Listener {
        private final Round round;
        private final int index;
        private StringBuilder partial = new StringBuilder();

        Subscriber(Round round, int index) {
            this.round = round;
            this.index = index;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            long at = System.nanoTime();
            if (last && partial.isEmpty() && data.toString().contains("\"type\":\"heartbeat\"")) {
                // as a browser does: a client silent for 60 s is dropped, and a 1,000-subscriber round
                // on a busy machine lasts longer than that (a send still in flight makes this one fail:
                // the next heartbeat, 30 s later, is answered)
                socket.sendText("{\"type\":\"heartbeat_response\"}", true).exceptionally(e -> null);
            }
            if (!last) {
                partial.append(data);
            } else if (partial.isEmpty()) {
                round.arrived(index, data, at);
            } else {
                partial.append(data);
                round.arrived(index, partial, at);
                partial = new StringBuilder();
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            if (round.closing) {
                return null; // the answer to our own close
            }
            round.closedByServer.incrementAndGet();
            System.err.println("WS: subscriber " + index + " closed by the server: " + code + " " + reason);
            return null;
        }
    }

    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(sorted.length * p / 100.0) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            a.put(args[i].substring(2), args[i + 1]);
        }
        return a;
    }

    static String required(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }
}
