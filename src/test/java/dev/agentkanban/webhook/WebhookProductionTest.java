package dev.agentkanban.webhook;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.task.TaskFixtures;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The SSRF guard in a production instance: a webhook URL on a loopback or private address is a 422
 * naming the field, and a stored one (say, a name that resolves elsewhere now) is never called. The
 * instance runs on a database of its own, so that development instances of the test JVM, which may
 * call 127.0.0.1, cannot deliver in its place.
 */
class WebhookProductionTest {

    @Test
    void productionRefusesPrivateTargetsWhenRegisteringAndWhenDelivering() throws Exception {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        try (AppInstance app = AppInstance.startOn(
                        TestDatabase.get().another(),
                        List.of(),
                        "kanban.environment=production",
                        "kanban.secret-key=" + HexFormat.of().formatHex(key));
                Receiver receiver = new Receiver()) {
            Http admin = app.http.withToken(app.token("prod-admin", Role.ADMIN, "read", "write", "admin"));

            Response refused = admin.post("/api/v1/webhooks", obj("url", receiver.url()));

            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
            assertThat(refused.header("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            JsonNode error = refused.json().get("errors").get(0);
            assertThat(error.get("field").asString()).isEqualTo("url");
            assertThat(error.get("message").asString())
                    .contains("127.0.0.1 is a loopback, private, link-local, reserved or otherwise non-public address");
            assertThat(admin.post("/api/v1/webhooks", obj("url", "http://169.254.169.254/latest/meta-data"))
                            .status())
                    .isEqualTo(422);
            assertThat(admin.get("/api/v1/webhooks").json().get("total").asLong())
                    .isZero();

            // one that got in before (stored directly), as a name that now resolves to a private address would
            JdbcClient jdbc = app.context.getBean(JdbcClient.class);
            long ws = admin.get("/api/v1/auth/me")
                    .json()
                    .get("workspace")
                    .get("id")
                    .asLong();
            long hook = jdbc.sql("""
                    insert into webhooks (workspace_id, url, event_types, board_id, secret, active, created_by)
                    values (:ws, :url, '{}', null, 'stored-secret-0123456789', true, 'prod-admin') returning id
                    """)
                    .param("ws", ws)
                    .param("url", receiver.url())
                    .query(Long.class)
                    .single();
            assertThat(admin.patch("/api/v1/webhooks/" + hook, obj("url", "http://10.0.0.7/hook"))
                            .status())
                    .isEqualTo(422);
            new TaskFixtures(admin).board("Guarded");

            JsonNode delivery = awaitFirstDelivery(admin, hook);
            assertThat(delivery.get("last_error").asString()).startsWith("not sent: 127.0.0.1 is a loopback");
            assertThat(delivery.get("response_code").isNull()).isTrue();
            assertThat(receiver.waiting())
                    .as("requests that reached the private receiver")
                    .isZero();
        }
    }

    private static JsonNode awaitFirstDelivery(Http admin, long hook) throws InterruptedException {
        long deadline = System.nanoTime() + Receiver.WAIT.toNanos();
        while (true) {
            JsonNode items =
                    admin.get("/api/v1/webhooks/" + hook + "/deliveries").json().get("items");
            // an attempt is counted when it is claimed and its outcome written after it: wait for the outcome
            if (!items.isEmpty()
                    && items.get(0).get("attempts").asInt() >= 1
                    && !items.get(0).get("last_error").isNull()) {
                return items.get(0);
            }
            assertThat(System.nanoTime())
                    .as("delivery log of webhook %d: %s", hook, items)
                    .isLessThan(deadline);
            Thread.sleep(50); // polling the log, not a synchronisation point
        }
    }
}
