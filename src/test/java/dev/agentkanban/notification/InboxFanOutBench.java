package dev.agentkanban.notification;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.task.TaskFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Benchmark, not part of the suite (its name does not end in Test; run it with
 * {@code -Dtest=InboxFanOutBench}): one change to a task that 1,000 members watch, each with a
 * WebSocket open. Measures, per change, the time from sending the request until every inbox row
 * exists (polled in the database every millisecond) and until every member's connection has received
 * its notification. Prints one line per change and a summary; asserts only that nothing is missing.
 */
@TestPropertySource(properties = {"kanban.websocket.max-connections=1100", "kanban.reminders.enabled=false"})
class InboxFanOutBench extends ApiTest {

    static final int WATCHERS = Integer.getInteger("bench.watchers", 1000);
    static final int CHANGES = Integer.getInteger("bench.changes", 10);
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** Counts notification messages; the latch of the change being measured is swapped in. */
    static final class Listener implements WebSocket.Listener {
        final AtomicReference<CountDownLatch> latch;
        final StringBuilder partial = new StringBuilder();

        Listener(AtomicReference<CountDownLatch> latch) {
            this.latch = latch;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                if (partial.indexOf("\"type\":\"notification\"") >= 0) {
                    latch.get().countDown();
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    @Test
    void oneChangeFansOutToAThousandWatchers() throws Exception {
        TaskFixtures fx = new TaskFixtures(http);
        long board = fx.board("Fan-out")[0];
        long task = fx.task(board, "watched by everyone");
        AtomicReference<CountDownLatch> latch = new AtomicReference<>(new CountDownLatch(0));
        List<WebSocket> sockets = new ArrayList<>();
        long connectStart = System.nanoTime();
        for (int i = 0; i < WATCHERS; i++) {
            // members without a password (no hashing): they only need a token
            long user = jdbc.sql("insert into users (username) values (:n) returning id")
                    .param("n", "watcher-" + i)
                    .query(Long.class)
                    .single();
            jdbc.sql("insert into memberships (workspace_id, user_id, role) values (:ws, :u, 'viewer')")
                    .param("ws", defaultWorkspace)
                    .param("u", user)
                    .update();
            jdbc.sql(
                            "insert into task_watchers (workspace_id, task_id, user_id, reason) values (:ws, :t, :u, 'manual')")
                    .param("ws", defaultWorkspace)
                    .param("t", task)
                    .param("u", user)
                    .update();
            String token = identities.issueToken(user, "bench", List.of("read"));
            sockets.add(CLIENT.newWebSocketBuilder()
                    .subprotocols("bearer", token)
                    .buildAsync(URI.create("ws://localhost:" + port + "/ws"), new Listener(latch))
                    .get(30, TimeUnit.SECONDS));
        }
        System.out.printf(
                "fan-out bench: %d watchers connected in %d ms%n",
                WATCHERS, (System.nanoTime() - connectStart) / 1_000_000);

        double[] rows = new double[CHANGES];
        double[] live = new double[CHANGES];
        for (int c = 0; c < CHANGES; c++) {
            long before = count("notifications");
            CountDownLatch all = new CountDownLatch(WATCHERS);
            latch.set(all);
            long start = System.nanoTime();
            assertThat(http.post("/api/v1/tasks/" + task + "/comments", obj("body", "change " + c))
                            .status())
                    .isEqualTo(201);
            long rowsAt = 0;
            while (rowsAt == 0) {
                if (count("notifications") - before >= WATCHERS) {
                    rowsAt = System.nanoTime();
                } else {
                    TimeUnit.MILLISECONDS.sleep(1); // polling interval of the measurement, not synchronisation
                }
            }
            assertThat(all.await(60, TimeUnit.SECONDS))
                    .as("every live notification of change " + c)
                    .isTrue();
            long liveAt = System.nanoTime();
            rows[c] = (rowsAt - start) / 1e6;
            live[c] = (liveAt - start) / 1e6;
            System.out.printf(
                    "fan-out bench: change %d: all %d inbox rows after %.1f ms, all live after %.1f ms%n",
                    c, WATCHERS, rows[c], live[c]);
        }
        Arrays.sort(rows);
        Arrays.sort(live);
        System.out.printf(
                "fan-out bench summary: watchers=%d changes=%d rows p50=%.1f ms max=%.1f ms; live p50=%.1f ms max=%.1f ms%n",
                WATCHERS, CHANGES, rows[CHANGES / 2], rows[CHANGES - 1], live[CHANGES / 2], live[CHANGES - 1]);
        for (WebSocket s : sockets) {
            s.abort();
        }
    }
}
