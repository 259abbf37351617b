package dev.agentkanban.webhook;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.task.TaskFixtures;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * At least once across restarts, as issue 4 puts it: the app queues deliveries while the receiver
 * is down, stops, a new instance starts on the same database, the receiver comes up on its port, and
 * every event arrives, signed. The instances run on a database of their own, so no other app context
 * of the test JVM can deliver in their place.
 */
class WebhookRestartTest {

    private static final String SECRET = "restart-secret-0123456789";
    /** Short retries (the test settings start at 0.2 s) that never grow past 1 s while the app restarts. */
    private static final String[] SETTINGS = {
        "kanban.webhooks.initial-backoff=PT0.2S", "kanban.webhooks.max-backoff=PT1S"
    };

    @Test
    void deliveriesQueuedWhileTheReceiverIsDownArriveAfterTheAppRestarts() throws Exception {
        TestDatabase db = TestDatabase.get().another();
        int port = freePort(); // nothing listens on it until the receiver comes up
        Set<Long> events = new TreeSet<>();
        long hook;
        try (AppInstance first = AppInstance.startOn(db, List.of(), SETTINGS)) {
            Http admin = first.http.withToken(first.token("hook-admin", Role.ADMIN, "read", "write", "admin"));
            Response created =
                    admin.post("/api/v1/webhooks", obj("url", "http://127.0.0.1:" + port + "/hook", "secret", SECRET));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            hook = created.id();
            TaskFixtures fixtures = new TaskFixtures(admin);
            long[] board = fixtures.board("Restarted");
            long task = fixtures.task(board[0], "one");
            fixtures.task(board[0], "two");
            assertThat(admin.post("/api/v1/tasks/" + task + "/move", obj("column_id", board[2]))
                            .status())
                    .isEqualTo(200);
            assertThat(admin.patch("/api/v1/tasks/" + task, obj("title", "one, renamed"))
                            .status())
                    .isEqualTo(200);
            // a read of the feed sees every event committed before it
            for (JsonNode e : admin.get("/api/v1/events?limit=500").json().get("items")) {
                events.add(e.get("event_id").asLong());
            }
            assertThat(events).as("the five writes' events").hasSize(5);
            // every event is queued, and the receiver being down has been felt before the app stops
            awaitLog(
                    admin,
                    hook,
                    items -> items.size() == events.size()
                            && streamOf(items)
                                    .allMatch(d -> d.get("status").asString().equals("pending")
                                            && d.get("attempts").asInt() >= 1
                                            && !d.get("last_error").isNull()));
        }

        try (AppInstance second = AppInstance.startOn(db, List.of(), SETTINGS);
                Receiver receiver = new Receiver(port)) {
            Set<Long> delivered = new HashSet<>();
            while (!delivered.containsAll(events)) {
                Receiver.Request r = receiver.next();
                assertThat(WebhookSignature.verify(
                                SECRET,
                                r.header(WebhookSignature.TIMESTAMP),
                                r.header(WebhookSignature.SIGNATURE),
                                r.body(),
                                Duration.ofMinutes(5),
                                Instant.now()))
                        .as("signature of %s", r.header(WebhookSignature.EVENT_ID))
                        .isTrue();
                JsonNode body = Http.JSON.readTree(r.body());
                assertThat(body.get("event_id").asString()).isEqualTo(r.header(WebhookSignature.EVENT_ID));
                delivered.add(body.get("event_id").asLong());
            }
            Http admin = second.http.withToken(second.token("hook-admin-2", Role.ADMIN, "read", "write", "admin"));
            awaitLog(
                    admin,
                    hook,
                    items -> streamOf(items)
                            .allMatch(d -> d.get("status").asString().equals("delivered")));
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Stream<JsonNode> streamOf(JsonNode items) {
        return StreamSupport.stream(items.spliterator(), false);
    }

    /** Polls the webhook's delivery log until it satisfies {@code done}. */
    private static void awaitLog(Http admin, long hook, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + Receiver.WAIT.toNanos();
        while (true) {
            JsonNode items = admin.get("/api/v1/webhooks/" + hook + "/deliveries?limit=500")
                    .json()
                    .get("items");
            if (done.test(items)) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("delivery log of webhook %d: %s", hook, items)
                    .isLessThan(deadline);
            Thread.sleep(50); // polling the log, not a synchronisation point
        }
    }
}
