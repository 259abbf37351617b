package dev.agentkanban.webhook;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Webhooks: management, signed delivery from the outbox, retries with backoff, the log, redelivery. */
class WebhookApiTest extends ApiTest {

    private static final String SECRET = "test-secret-0123456789";

    private TaskFixtures fixtures;

    @BeforeAll
    void fixtures() {
        fixtures = new TaskFixtures(http);
    }

    @Test
    void adminsCreateListUpdateAndDeleteWebhooks() {
        long board = fixtures.board("Hooked")[0];
        Response created = http.post(
                "/api/v1/webhooks",
                obj(
                        "url",
                        "http://127.0.0.1:9/hook",
                        "event_types",
                        List.of("task_created", "task_moved"),
                        "board_id",
                        board));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.id();
        assertThat(created.header("Location")).hasValue("/api/v1/webhooks/" + id);
        assertThat(created.json().get("secret").asString())
                .as("a generated secret, shown once")
                .startsWith("whsec_");
        assertThat(created.json().get("active").asBoolean()).isTrue();

        JsonNode listed = http.get("/api/v1/webhooks").json();
        assertThat(listed.get("total").asLong()).isPositive();
        JsonNode one = http.get("/api/v1/webhooks/" + id).json();
        assertThat(one.get("secret").isNull()).isTrue();
        assertThat(one.get("event_types").toString()).isEqualTo("[\"task_created\",\"task_moved\"]");
        assertThat(one.get("board_id").asLong()).isEqualTo(board);

        Response patched = http.patch("/api/v1/webhooks/" + id, obj("active", false, "event_types", List.of()));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().get("active").asBoolean()).isFalse();
        assertThat(patched.json().get("event_types")).isEmpty();

        assertThat(http.delete("/api/v1/webhooks/" + id).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/webhooks/" + id).status()).isEqualTo(404);
    }

    @Test
    void creatingChangingRedeliveringAndDeletingAWebhookIsInTheSecurityLog() {
        long id = http.post("/api/v1/webhooks", obj("url", "http://127.0.0.1:9/audited", "secret", SECRET))
                .id();
        assertThat(http.patch("/api/v1/webhooks/" + id, obj("secret", "rotated-secret-0123456789"))
                        .status())
                .isEqualTo(200);
        assertThat(http.patch("/api/v1/webhooks/" + id, obj("url", "http://127.0.0.1:9/elsewhere"))
                        .status())
                .isEqualTo(200);
        long delivery = jdbc.sql("""
                insert into webhook_deliveries (workspace_id, webhook_id, event_id, event_type, payload, status)
                values (:ws, :hook, 434343, 'task_created', '{"event_id": 434343}', 'failed') returning id
                """)
                .param("ws", defaultWorkspace)
                .param("hook", id)
                .query(Long.class)
                .single();
        assertThat(http.post("/api/v1/webhooks/" + id + "/deliveries/" + delivery + "/redeliver", null)
                        .status())
                .isEqualTo(202);
        assertThat(http.delete("/api/v1/webhooks/" + id).status()).isEqualTo(204);

        List<String> rows =
                jdbc.sql("""
                select action || ' by ' || actor_user_id || ' in ' || workspace_id || ' ' || detail::text
                from identity_audit where detail ->> 'webhook_id' = :id order by id
                """).param("id", Long.toString(id)).query(String.class).list();

        assertThat(rows)
                .extracting(r -> r.substring(0, r.indexOf(' ')))
                .containsExactly(
                        "webhook_created",
                        "webhook_changed",
                        "webhook_changed",
                        "webhook_redelivered",
                        "webhook_deleted");
        assertThat(rows)
                .allSatisfy(r -> assertThat(r)
                        .contains(" by " + admin.id() + " in " + defaultWorkspace + " ")
                        .doesNotContain(SECRET, "rotated-secret"));
        assertThat(rows.get(1)).contains("\"secret_rotated\": true");
        assertThat(rows.get(2)).contains("\"previous_url\": \"http://127.0.0.1:9/audited\"");
        assertThat(rows.get(3)).contains("\"delivery_id\": " + delivery);
        assertThat(rows.get(4)).contains("http://127.0.0.1:9/elsewhere");
    }

    @Test
    void aBoardScopedWebhookGoesWithItsBoardAndTheSecurityLogSaysSo() {
        long board = fixtures.board("Short-lived")[0];
        long hook = http.post("/api/v1/webhooks", obj("url", "http://127.0.0.1:9/scoped", "board_id", board))
                .id();
        long unscoped = http.post("/api/v1/webhooks", obj("url", "http://127.0.0.1:9/unscoped"))
                .id();

        assertThat(http.delete("/api/v1/boards/" + board).status()).isEqualTo(204);

        assertThat(http.get("/api/v1/webhooks/" + hook).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/webhooks/" + unscoped).status()).isEqualTo(200);
        String row = jdbc.sql("""
                select action || ' ' || detail::text from identity_audit
                where detail ->> 'webhook_id' = :id and action = 'webhook_deleted'
                """)
                .param("id", Long.toString(hook))
                .query(String.class)
                .single();
        assertThat(row).contains("\"reason\": \"board deleted\"", "\"board_id\": " + board, "Short-lived");
    }

    @Test
    void badWebhooksAreRejectedAndNothingIsStored() {
        long before = count("webhooks");
        assertThat(http.post("/api/v1/webhooks", obj("url", "ftp://example.com/x"))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/webhooks", obj("url", "not a url")).status())
                .isEqualTo(422);
        assertThat(http.post(
                                "/api/v1/webhooks",
                                obj("url", "http://127.0.0.1/h", "event_types", List.of("task_exploded")))
                        .json()
                        .get("detail")
                        .asString())
                .contains("unknown event type 'task_exploded'");
        assertThat(http.post("/api/v1/webhooks", obj("url", "http://127.0.0.1/h", "board_id", 999_999_999L))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/webhooks", obj("url", "http://127.0.0.1/h", "secret", "short"))
                        .status())
                .isEqualTo(422);
        Response blank = http.post("/api/v1/webhooks", obj("url", "http://127.0.0.1/h", "secret", " ".repeat(16)));
        assertThat(blank.status()).as(blank.body()).isEqualTo(422);
        assertThat(blank.body()).contains("secret").contains("white space");
        assertThat(http.post("/api/v1/webhooks", "{bad json").status()).isEqualTo(400);
        Http member = clientFor("hook-member", defaultWorkspace, Role.MEMBER);
        assertThat(member.post("/api/v1/webhooks", obj("url", "http://127.0.0.1/h"))
                        .status())
                .isEqualTo(403);
        assertThat(member.get("/api/v1/webhooks").status()).isEqualTo(403);
        assertThat(count("webhooks")).isEqualTo(before);
    }

    @Test
    void anUpperCaseSchemeAndHostAreStoredInLowerCase() {
        Response created = http.post("/api/v1/webhooks", obj("url", "HTTP://EXAMPLE.ORG:8080/Hook?Token=AbC"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("url").asString()).isEqualTo("http://example.org:8080/Hook?Token=AbC");

        Response patched = http.patch("/api/v1/webhooks/" + created.id(), obj("url", "HTTPS://Example.ORG/"));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().get("url").asString()).isEqualTo("https://example.org/");
        Response blankSecret = http.patch("/api/v1/webhooks/" + created.id(), obj("secret", "\t".repeat(20)));
        assertThat(blankSecret.status()).as(blankSecret.body()).isEqualTo(422);
        assertThat(blankSecret.body()).contains("secret");
    }

    @Test
    void anotherWorkspacesWebhookIsNotFound() {
        long id = http.post("/api/v1/webhooks", obj("url", "http://127.0.0.1:9/hook"))
                .id();
        Http outsider = clientFor("hook-outsider", otherWorkspace("hook-other"), Role.ADMIN);
        assertThat(outsider.get("/api/v1/webhooks/" + id).status()).isEqualTo(404);
        assertThat(outsider.get("/api/v1/webhooks/" + id + "/deliveries").status())
                .isEqualTo(404);
        assertThat(outsider.delete("/api/v1/webhooks/" + id).status()).isEqualTo(404);
    }

    @Test
    void aChangeIsDeliveredSignedAndLogged() throws Exception {
        try (Receiver receiver = new Receiver()) {
            long board = fixtures.board("Signed")[0];
            long hook = webhook(receiver, board, "task_created");
            long task = fixtures.task(board, "signed and delivered");

            Receiver.Request request = receiver.next();

            assertThat(WebhookSignature.verify(
                            SECRET,
                            request.header(WebhookSignature.TIMESTAMP),
                            request.header(WebhookSignature.SIGNATURE),
                            request.body(),
                            Duration.ofMinutes(5),
                            Instant.now()))
                    .isTrue();
            assertThat(WebhookSignature.verify(
                            "another-secret-000000",
                            request.header(WebhookSignature.TIMESTAMP),
                            request.header(WebhookSignature.SIGNATURE),
                            request.body(),
                            Duration.ofMinutes(5),
                            Instant.now()))
                    .isFalse();
            assertThat(request.header(WebhookSignature.EVENT)).isEqualTo("task_created");
            JsonNode body = Http.JSON.readTree(request.body());
            assertThat(body.get("type").asString()).isEqualTo("task_created");
            assertThat(body.get("event_id").asString()).isEqualTo(request.header(WebhookSignature.EVENT_ID));
            assertThat(body.get("task_id").asLong()).isEqualTo(task);
            assertThat(body.get("data").get("task").get("title").asString()).isEqualTo("signed and delivered");

            JsonNode delivery =
                    awaitDelivery(hook, d -> d.get("status").asString().equals("delivered"));
            assertThat(delivery.get("response_code").asInt()).isEqualTo(200);
            assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
            assertThat(delivery.get("id").asString()).isEqualTo(request.header(WebhookSignature.DELIVERY));
        }
    }

    @Test
    void onlyTheChosenEventTypesOfTheChosenBoardAreSent() throws Exception {
        try (Receiver receiver = new Receiver()) {
            long board = fixtures.board("Chosen")[0];
            long other = fixtures.board("Not chosen")[0];
            webhook(receiver, board, "task_created");
            long first = fixtures.task(board, "first");
            receiver.next();
            fixtures.task(other, "other board");
            assertThat(http.patch("/api/v1/tasks/" + first, obj("title", "renamed"))
                            .status())
                    .isEqualTo(200);
            fixtures.task(board, "second");

            JsonNode next = Http.JSON.readTree(receiver.next().body());

            assertThat(next.get("data").get("task").get("title").asString()).isEqualTo("second");
        }
    }

    @Test
    void aFailedDeliveryIsRetriedWithGrowingDelaysUntilItGetsThrough() throws Exception {
        try (Receiver receiver = new Receiver().answering(500, 503)) {
            long board = fixtures.board("Flaky receiver")[0];
            long hook = webhook(receiver, board, "task_created");
            fixtures.task(board, "try again");

            Receiver.Request r1 = receiver.next();
            Receiver.Request r2 = receiver.next();
            Receiver.Request r3 = receiver.next();

            assertThat(List.of(r2, r3)).allSatisfy(r -> {
                assertThat(r.header(WebhookSignature.DELIVERY)).isEqualTo(r1.header(WebhookSignature.DELIVERY));
                assertThat(r.header(WebhookSignature.EVENT_ID)).isEqualTo(r1.header(WebhookSignature.EVENT_ID));
            });
            Duration firstWait = Duration.between(r1.at(), r2.at());
            Duration secondWait = Duration.between(r2.at(), r3.at());
            assertThat(firstWait).as("initial backoff 0.2 s in tests").isGreaterThanOrEqualTo(Duration.ofMillis(150));
            assertThat(secondWait).as("doubled").isGreaterThanOrEqualTo(Duration.ofMillis(350));
            JsonNode delivery =
                    awaitDelivery(hook, d -> d.get("status").asString().equals("delivered"));
            assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
            assertThat(delivery.get("response_code").asInt()).isEqualTo(200);
        }
    }

    @Test
    void aDeliveryThatKeepsFailingIsGivenUpAfterTheRetryWindow() throws Exception {
        try (Receiver receiver = new Receiver().otherwise(500)) {
            long board = fixtures.board("Dead receiver")[0];
            long hook = webhook(receiver, board, "task_created");
            fixtures.task(board, "nobody listens");
            receiver.next();
            // as if the first attempt had been made over a day ago
            jdbc.sql("update webhook_deliveries set queued_at = now() - interval '26 hours' where webhook_id = :h")
                    .param("h", hook)
                    .update();

            JsonNode delivery =
                    awaitDelivery(hook, d -> d.get("status").asString().equals("failed"));

            assertThat(delivery.get("response_code").asInt()).isEqualTo(500);
            assertThat(delivery.get("last_error").asString()).isEqualTo("HTTP 500");
            assertThat(delivery.get("next_attempt_at").isNull()).isTrue();
        }
    }

    @Test
    void theDeliveryLogKeepsTheStartOfTheAnswer() throws Exception {
        try (Receiver receiver =
                new Receiver().otherwise(503).body("database is down\r\n\u0007retry later " + "x".repeat(2000))) {
            long board = fixtures.board("Talkative receiver")[0];
            long hook = webhook(receiver, board, "task_created");
            fixtures.task(board, "an answer with a body");
            receiver.next();

            JsonNode delivery = awaitDelivery(
                    hook,
                    d -> d.get("attempts").asInt() >= 1
                            && !d.get("response_excerpt").isNull());

            String excerpt = delivery.get("response_excerpt").asString();
            assertThat(excerpt).startsWith("database is down").contains("retry later");
            assertThat(excerpt).as("control characters removed").doesNotContain("\r", "\n", "\u0007");
            assertThat(excerpt.length()).isLessThanOrEqualTo(500);
            assertThat(delivery.get("response_code").asInt()).isEqualTo(503);
        }
    }

    @Test
    void aDeliveryCanBeSentAgain() throws Exception {
        try (Receiver receiver = new Receiver()) {
            long board = fixtures.board("Again")[0];
            long hook = webhook(receiver, board, "task_created");
            fixtures.task(board, "twice");
            String eventId = receiver.next().header(WebhookSignature.EVENT_ID);
            long delivery = awaitDelivery(hook, d -> d.get("status").asString().equals("delivered"))
                    .get("id")
                    .asLong();

            Response again = http.post("/api/v1/webhooks/" + hook + "/deliveries/" + delivery + "/redeliver", null);
            assertThat(again.status()).as(again.body()).isEqualTo(202);

            assertThat(receiver.next().header(WebhookSignature.EVENT_ID)).isEqualTo(eventId);
            assertThat(awaitDelivery(
                            hook,
                            d -> d.get("attempts").asInt() == 2
                                    && d.get("status").asString().equals("delivered")))
                    .isNotNull();
            assertThat(http.post("/api/v1/webhooks/" + hook + "/deliveries/999999999/redeliver", null)
                            .status())
                    .isEqualTo(404);
        }
    }

    @Test
    void aDeliveryClaimedByAnInstanceThatDiedIsSentWhenItsLeaseRunsOut() throws Exception {
        try (Receiver receiver = new Receiver()) {
            long board = fixtures.board("Crashed sender")[0];
            long hook = webhook(receiver, board, "task_created");
            // the state a sender leaves behind when it dies mid-attempt: claimed, lease running
            jdbc.sql("""
                    insert into webhook_deliveries (workspace_id, webhook_id, event_id, event_type, payload, attempts,
                                                    last_attempt_at, next_attempt_at)
                    values (:ws, :hook, 424242, 'task_created', '{"event_id": 424242}', 1, now(), now() + interval '1 second')
                    """).param("ws", defaultWorkspace).param("hook", hook).update();

            Receiver.Request request = receiver.next();

            assertThat(request.header(WebhookSignature.EVENT_ID)).isEqualTo("424242");
            JsonNode delivery =
                    awaitDelivery(hook, d -> d.get("status").asString().equals("delivered"));
            assertThat(delivery.get("attempts").asInt()).isEqualTo(2);
        }
    }

    private long webhook(Receiver receiver, long board, String... types) {
        Response r = http.post(
                "/api/v1/webhooks",
                obj("url", receiver.url(), "event_types", List.of(types), "board_id", board, "secret", SECRET));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.id();
    }

    /** Polls the delivery log until its newest delivery matches (the log is written after the receiver answers). */
    private JsonNode awaitDelivery(long hook, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + Receiver.WAIT.toNanos();
        while (true) {
            JsonNode items =
                    http.get("/api/v1/webhooks/" + hook + "/deliveries").json().get("items");
            if (!items.isEmpty() && done.test(items.get(0))) {
                return items.get(0);
            }
            assertThat(System.nanoTime())
                    .as("delivery log of webhook %d: %s", hook, items)
                    .isLessThan(deadline);
            Thread.sleep(20); // polling the log, not a synchronisation point
        }
    }
}
