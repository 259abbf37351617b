package dev.agentkanban.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Heartbeats, silent and slow clients, and the connection limit, with short intervals and small limits. */
@TestPropertySource(
        properties = {
            "kanban.websocket.max-connections=3",
            "kanban.websocket.heartbeat-interval=PT0.2S",
            // long enough that the fast client, busy reading 12 MB of events on a loaded machine, still answers
            // in time (3 s failed once under load); the silent client's close is awaited for 20 s
            "kanban.websocket.heartbeat-timeout=PT8S",
            // short, but not so short that a busy machine (the suite shares two cores) stalls the fast client past it
            "kanban.websocket.send-time-limit=PT2S"
        })
class LiveLimitsTest extends ApiTest {

    private String token;

    @BeforeAll
    void token() {
        token = identities.issueToken(admin.id(), "ws", List.of("read", "write", "admin"));
    }

    @Test
    void heartbeatsKeepAnsweringClientsAndASilentClientIsDropped() throws Exception {
        try (LiveClient answering = LiveClient.connect(port, "/ws", token).answeringHeartbeats();
                LiveClient silent = LiveClient.connect(port, "/ws", token)) {
            answering.expect("connected");
            silent.expect("connected");
            silent.expectHeartbeat();

            LiveClient.Closed closed = silent.awaitClose();

            assertThat(closed.code()).isEqualTo(4000);
            assertThat(closed.reason()).contains("heartbeat timeout");
            answering.send("{\"type\":\"ping\"}");
            answering.expect("pong");
            assertThat(answering.isClosed()).isFalse();
        }
    }

    @Test
    void theConnectionBeyondTheLimitIsRefusedWithAReason() throws Exception {
        List<LiveClient> clients = new ArrayList<>();
        try {
            JsonNode first;
            do {
                LiveClient client = LiveClient.connect(port, "/ws", token).answeringHeartbeats();
                clients.add(client);
                first = client.next();
            } while (first.get("type").asString().equals("connected") && clients.size() <= 3);

            assertThat(clients).as("the limit is 3 connections").hasSizeLessThanOrEqualTo(4);
            assertThat(first.get("type").asString()).isEqualTo(LiveClient.CLOSED);
            assertThat(first.get("code").asInt()).isEqualTo(1013);
            assertThat(first.get("reason").asString()).contains("connection limit reached (3 connections)");
        } finally {
            clients.forEach(LiveClient::close);
        }
    }

    @Test
    void aSlowClientIsDisconnectedWithoutSlowingTheOthers() throws Exception {
        long board = new TaskFixtures(http).board("Busy")[0];
        try (LiveClient fast = LiveClient.connect(port, "/ws", token).answeringHeartbeats();
                LiveClient slow = LiveClient.connectNotReading(port, "/ws", token)) {
            fast.expect("connected");
            fast.subscribe(board);
            fast.expect("subscribed");
            slow.send("{\"type\":\"subscribe_board\",\"board_id\":" + board + "}");
            int events = 60;
            // large events, so that the stalled client's socket buffers fill up quickly
            jdbc.sql("""
                    insert into outbox_events (workspace_id, board_id, type, actor, payload)
                    select :ws, :board, 'task_updated', 'loader', jsonb_build_object('n', n, 'blob', repeat('x', 200000))
                    from generate_series(1, :events) n
                    """)
                    .param("ws", defaultWorkspace)
                    .param("board", board)
                    .param("events", events)
                    .update();

            for (int n = 1; n <= events; n++) {
                JsonNode e = fast.expectEvent("task_updated");
                assertThat(e.get("data").get("n").asInt())
                        .as("event %s", e.get("event_id"))
                        .isEqualTo(n);
            }
            // the server gave up on the stalled client: it no longer counts it
            await("the server forgets the stalled client")
                    .atMost(LiveClient.WAIT)
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () -> {
                                fast.send("{\"type\":\"get_stats\"}");
                                return fast.expect("stats").get("connections").asInt();
                            },
                            connections -> connections <= 1);
            LiveClient.Closed closed = slow.awaitClose();
            assertThat(closed.code())
                    .as("dropped for being slow, not for being silent")
                    .isNotEqualTo(Heartbeats.SILENT);
        }
    }
}
