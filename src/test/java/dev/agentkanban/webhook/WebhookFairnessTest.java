package dev.agentkanban.webhook;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One workspace's webhook targets cannot hold another workspace's deliveries: an answer without end
 * is cut off, the loop does not wait for attempts, attempts are shared fairly, and a workspace has
 * at most {@link Webhooks#MAX_PER_WORKSPACE} webhooks.
 */
class WebhookFairnessTest extends ApiTest {

    HttpServer bad;
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch hanging = new CountDownLatch(WebhookWorker.PER_WORKSPACE);

    @BeforeEach
    void badTargets() throws IOException {
        bad = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        bad.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        bad.createContext("/stream", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try (var out = exchange.getResponseBody()) {
                while (release.getCount() > 0) {
                    out.write("endless ".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException cutOff) {
                // the sender closed the connection
            }
        });
        bad.createContext("/hang", exchange -> {
            exchange.getRequestBody().readAllBytes();
            hanging.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        bad.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        jdbc.sql("delete from webhooks where url like :u")
                .param("u", "http://127.0.0.1:" + bad.getAddress().getPort() + "/%")
                .update();
        bad.stop(0);
    }

    private String bad(String path) {
        return "http://127.0.0.1:" + bad.getAddress().getPort() + path;
    }

    @Test
    void anEndlessAnswerInOneWorkspaceDoesNotHoldAnotherWorkspacesDeliveries() throws Exception {
        Http noisy = clientFor("stream-admin", otherWorkspace("stream-noisy"), Role.ADMIN);
        Http quiet = clientFor("stream-quiet", otherWorkspace("stream-quiet"), Role.ADMIN);
        try (Receiver receiver = new Receiver()) {
            assertThat(noisy.post("/api/v1/webhooks", obj("url", bad("/stream")))
                            .status())
                    .isEqualTo(201);
            assertThat(quiet.post("/api/v1/webhooks", obj("url", receiver.url()))
                            .status())
                    .isEqualTo(201);
            new TaskFixtures(noisy).task(new TaskFixtures(noisy).board("Streamed")[0], "trigger stream");
            long board = new TaskFixtures(quiet).board("Quiet")[0];
            new TaskFixtures(quiet).task(board, "quiet task");

            // board_created, then task_created: both arrive though the other target never stops answering
            assertThat(List.of(receiver.next(), receiver.next()))
                    .extracting(r -> r.header(WebhookSignature.EVENT))
                    .containsExactlyInAnyOrder("board_created", "task_created");
        }
    }

    @Test
    void unansweringTargetsOfOneWorkspaceDoNotDelayAnotherWorkspacesDelivery() throws Exception {
        Http noisy = clientFor("hang-admin", otherWorkspace("hang-noisy"), Role.ADMIN);
        Http quiet = clientFor("hang-quiet", otherWorkspace("hang-quiet"), Role.ADMIN);
        try (Receiver receiver = new Receiver()) {
            for (int i = 0; i < 30; i++) {
                Response r = noisy.post(
                        "/api/v1/webhooks", obj("url", bad("/hang"), "event_types", List.of("task_created")));
                assertThat(r.status()).as(r.body()).isEqualTo(201);
            }
            assertThat(quiet.post(
                                    "/api/v1/webhooks",
                                    obj("url", receiver.url(), "event_types", List.of("task_created")))
                            .status())
                    .isEqualTo(201);
            new TaskFixtures(noisy).task(new TaskFixtures(noisy).board("Hanging")[0], "fan out");
            // the noisy workspace's attempts are under way and none will answer
            assertThat(hanging.await(Receiver.WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isTrue();

            long started = System.nanoTime();
            new TaskFixtures(quiet).task(new TaskFixtures(quiet).board("Quiet")[0], "latency probe");
            receiver.next();

            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("well within the 10 s the hanging attempts take")
                    .isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aWorkspaceHasAtMostFiftyWebhooks() {
        Http admin = clientFor("many-hooks", otherWorkspace("many-hooks"), Role.ADMIN);
        List<Long> made = new ArrayList<>();
        for (int i = 0; i < Webhooks.MAX_PER_WORKSPACE; i++) {
            Response r = admin.post("/api/v1/webhooks", obj("url", "http://127.0.0.1:9/hook" + i, "active", false));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            made.add(r.id());
        }

        Response refused = admin.post("/api/v1/webhooks", obj("url", "http://127.0.0.1:9/one-more"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("50 webhooks");
        assertThat(admin.get("/api/v1/webhooks").json().get("total").asLong()).isEqualTo(50);
        assertThat(admin.delete("/api/v1/webhooks/" + made.getFirst()).status()).isEqualTo(204);
        assertThat(admin.post("/api/v1/webhooks", obj("url", "http://127.0.0.1:9/one-more"))
                        .status())
                .isEqualTo(201);
    }
}
