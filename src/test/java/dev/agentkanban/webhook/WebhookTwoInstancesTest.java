package dev.agentkanban.webhook;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two instances running together on one database, both fanning out events into deliveries and both
 * sending: every event is delivered, and none twice. (Delivery is at least once: a delivery is sent
 * again only when its sender outlives its lease, three times the 10 s send timeout, which a receiver
 * answering at once never makes it do.) The instances run on a database of their own, so no other
 * app context of the test JVM takes part.
 */
class WebhookTwoInstancesTest {

    private static final String SECRET = "two-instances-secret-0123";

    @Test
    void twoInstancesTogetherDeliverEveryEventExactlyOnce() throws Exception {
        TestDatabase db = TestDatabase.get().another();
        try (Receiver receiver = new Receiver();
                AppInstance one = AppInstance.startOn(db, List.of());
                AppInstance two = AppInstance.startOn(db, List.of())) {
            String token = one.token("fan-admin", Role.ADMIN, "read", "write", "admin");
            Http onOne = one.http.withToken(token);
            Http onTwo = two.http.withToken(token);
            Response created = onOne.post("/api/v1/webhooks", obj("url", receiver.url(), "secret", SECRET));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            long hook = created.id();
            long from = onOne.get("/api/v1/events?after=latest")
                    .json()
                    .get("next_cursor")
                    .asLong();

            long board = new TaskFixtures(onOne).board("Fan-out")[0];
            for (int i = 0; i < 30; i++) {
                Http via = i % 2 == 0 ? onOne : onTwo;
                Response task = via.post("/api/v1/tasks", obj("board_id", board, "title", "task " + i));
                assertThat(task.status()).as(task.body()).isEqualTo(201);
            }
            // the feed shows an event once no older transaction can still commit before it (a background
            // consumer's open transaction holds the horizon back for a moment), so it is read until complete
            Set<Long> events = new TreeSet<>();
            await("the board's and the 30 tasks' events in the feed")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        events.clear();
                        for (JsonNode e : onTwo.get("/api/v1/events?limit=500&after=" + from)
                                .json()
                                .get("items")) {
                            events.add(e.get("event_id").asLong());
                        }
                        return events.size() >= 31;
                    });

            Map<Long, Integer> received = new HashMap<>();
            while (!received.keySet().containsAll(events)) { // each next() waits at most Receiver.WAIT
                Receiver.Request r = receiver.next();
                received.merge(Long.parseLong(r.header(WebhookSignature.EVENT_ID)), 1, Integer::sum);
            }
            // the log: one delivery per event, delivered at its first attempt
            List<JsonNode> log = new ArrayList<>();
            await("every delivery recorded as delivered")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        log.clear();
                        onTwo.get("/api/v1/webhooks/" + hook + "/deliveries?limit=500")
                                .json()
                                .get("items")
                                .forEach(log::add);
                        return log.stream()
                                        .filter(d -> events.contains(
                                                d.get("event_id").asLong()))
                                        .allMatch(
                                                d -> d.get("status").asString().equals("delivered"))
                                && log.size() >= events.size();
                    });
            List<JsonNode> ofEvents = log.stream()
                    .filter(d -> events.contains(d.get("event_id").asLong()))
                    .toList();
            assertThat(ofEvents)
                    .extracting(d -> d.get("event_id").asLong())
                    .doesNotHaveDuplicates()
                    .hasSameSizeAs(events);
            assertThat(ofEvents)
                    .allSatisfy(d -> assertThat(d.get("attempts").asInt())
                            .as("attempts of %s", d)
                            .isEqualTo(1));
            assertThat(received)
                    .as("requests per event")
                    .allSatisfy(
                            (event, n) -> assertThat(n).as("event %d", event).isEqualTo(1));
        }
    }
}
