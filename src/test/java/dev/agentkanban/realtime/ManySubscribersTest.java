package dev.agentkanban.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.task.TaskFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Many browsers on one board (bench/run.sh's live update stage opens 1,000): they connect at once,
 * every one is admitted and subscribed, and one change reaches every one. A connection's memory is
 * mostly Tomcat's buffers: the incoming message buffers are cut to what a client sends
 * ({@link RealtimeConfig#MAX_CLIENT_MESSAGE}), so that 1,000 subscribers fit in the default 128 MB
 * heap (about 50 KB a connection before: back-to-back full collections stalled the handshakes past
 * the client's 30 s timeout).
 */
class ManySubscribersTest extends ApiTest {

    private static final int SUBSCRIBERS = 200;
    private static final int AT_ONCE = 50;

    private String token;
    private TaskFixtures fixtures;

    @BeforeAll
    void token() {
        token = identities.issueToken(admin.id(), "ws", List.of("read", "write", "admin"));
        fixtures = new TaskFixtures(http);
    }

    @Test
    void manySubscribersConnectAtOnceAndEveryOneReceivesTheChange() throws Exception {
        long board = fixtures.board("Crowded")[0];
        long task = fixtures.task(board, "watched by many");
        List<LiveClient> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE)) {
            List<Future<LiveClient>> opening = new ArrayList<>();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                opening.add(pool.submit(() -> {
                    LiveClient c = LiveClient.connect(port, "/ws", token).answeringHeartbeats();
                    c.expect("connected");
                    c.subscribe(board);
                    c.expect("subscribed");
                    return c;
                }));
            }
            for (Future<LiveClient> f : opening) {
                clients.add(f.get());
            }
        }
        try {
            assertThat(clients).hasSize(SUBSCRIBERS);
            LiveClient first = clients.getFirst();
            first.send("{\"type\":\"get_stats\"}");
            assertThat(first.expect("stats").get("connections").asInt())
                    .as("every subscriber is admitted and counted")
                    .isGreaterThanOrEqualTo(SUBSCRIBERS);

            assertThat(http.patch("/api/v1/tasks/" + task, Map.of("title", "seen by all"))
                            .status())
                    .isEqualTo(200);

            int received = 0;
            for (LiveClient c : clients) {
                JsonNode e = c.expectEvent("task_updated");
                assertThat(e.get("data").get("task").get("title").asString()).isEqualTo("seen by all");
                received++;
            }
            assertThat(received).isEqualTo(SUBSCRIBERS);
        } finally {
            clients.forEach(LiveClient::close);
        }
    }

    @Test
    void aClientMessageLongerThanTheBufferClosesOnlyThatConnection() throws Exception {
        try (LiveClient other = LiveClient.connect(port, "/ws", token).answeringHeartbeats();
                LiveClient verbose = LiveClient.connect(port, "/ws", token).answeringHeartbeats()) {
            other.expect("connected");
            verbose.expect("connected");
            // the longest valid message is a few dozen characters; this one is padded past the buffer
            String padded = "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(RealtimeConfig.MAX_CLIENT_MESSAGE) + "\"}";
            String fits = "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(RealtimeConfig.MAX_CLIENT_MESSAGE - 40) + "\"}";

            verbose.send(fits);
            verbose.expect("pong");
            verbose.send(padded);

            assertThat(verbose.awaitClose().code()).as("1009: message too big").isEqualTo(1009);
            other.send("{\"type\":\"ping\"}");
            other.expect("pong");
        }
    }
}
