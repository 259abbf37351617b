package dev.agentkanban.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery client connects only where the target check allows, with the check as its resolver
 * (so no second lookup can send it elsewhere), and never follows a redirect.
 */
class WebhookClientTest {

    HttpServer receiver;
    final List<String> hits = new CopyOnWriteArrayList<>();

    @BeforeEach
    void receiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            hits.add(exchange.getRequestURI().getPath() + " host="
                    + exchange.getRequestHeaders().getFirst("Host"));
            exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestURI().getPath().equals("/bounce")) {
                exchange.getResponseHeaders()
                        .add(
                                "Location",
                                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/internal");
                exchange.sendResponseHeaders(307, -1);
            } else {
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        receiver.createContext("/stream", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0); // chunked, and it never ends
            try (var out = exchange.getResponseBody()) {
                while (true) {
                    out.write("endless ".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException closedByTheClient) {
                // expected: the client cut the answer off
            }
        });
        receiver.createContext("/drip", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 100_000);
            try (var out = exchange.getResponseBody()) {
                for (int i = 0; i < 100_000; i++) {
                    out.write('.');
                    out.flush();
                    // a byte well within the socket timeout each time, so only an overall deadline ends it
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException closedByTheClient) {
                // expected: the client cut the answer off
            }
        });
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private URI at(String host, String path) {
        return URI.create("http://" + host + ":" + receiver.getAddress().getPort() + path);
    }

    private static final byte[] BODY = "{\"event\":\"task_created\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void inProductionTheConnectionItselfRefusesANameThatResolvesToLoopback() throws Exception {
        try (WebhookClient client = new WebhookClient(new WebhookTargets("production", false), Duration.ofSeconds(5))) {
            WebhookClient.Outcome outcome = client.post(at("localhost", "/hook"), Map.of(), BODY);

            assertThat(outcome.code()).isNull();
            assertThat(outcome.error())
                    .startsWith("not sent: ")
                    .contains("localhost resolves to")
                    .contains("public addresses");
            assertThat(hits).isEmpty();
        }
    }

    @Test
    void theNameIsKeptForTheHostHeader() throws Exception {
        try (WebhookClient client =
                new WebhookClient(new WebhookTargets("development", false), Duration.ofSeconds(5))) {
            WebhookClient.Outcome outcome = client.post(at("localhost", "/hook"), Map.of("X-Test", "1"), BODY);

            assertThat(outcome.error()).isNull();
            assertThat(outcome.code()).isEqualTo(204);
            assertThat(hits)
                    .containsExactly(
                            "/hook host=localhost:" + receiver.getAddress().getPort());
        }
    }

    @Test
    void anEndlessAnswerIsCutOffAfterItsStartInsteadOfReadToTheEnd() throws Exception {
        try (WebhookClient client =
                new WebhookClient(new WebhookTargets("development", false), Duration.ofSeconds(2))) {
            WebhookClient.Outcome outcome = assertTimeoutPreemptively(
                    Duration.ofSeconds(5), () -> client.post(at("127.0.0.1", "/stream"), Map.of(), BODY));

            assertThat(outcome.code()).isEqualTo(200);
            assertThat(outcome.error()).isNull();
            assertThat(outcome.excerpt()).startsWith("endless endless");
        }
    }

    @Test
    void anAnswerDrippingInIsCutOffAtTheAttemptsDeadline() throws Exception {
        try (WebhookClient client =
                new WebhookClient(new WebhookTargets("development", false), Duration.ofSeconds(1))) {
            long started = System.nanoTime();
            WebhookClient.Outcome outcome = assertTimeoutPreemptively(
                    Duration.ofSeconds(5), () -> client.post(at("127.0.0.1", "/drip"), Map.of(), BODY));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(outcome.code())
                    .as("the status came in time: the attempt is judged by it")
                    .isEqualTo(200);
            assertThat(outcome.excerpt()).startsWith("...");
        }
    }

    @Test
    void aRedirectIsAFailedDeliveryAndIsNotFollowed() throws Exception {
        try (WebhookClient client =
                new WebhookClient(new WebhookTargets("development", false), Duration.ofSeconds(5))) {
            WebhookClient.Outcome outcome = client.post(at("127.0.0.1", "/bounce"), Map.of(), BODY);

            assertThat(outcome.code()).isEqualTo(307);
            assertThat(outcome.error()).contains("redirects are not followed");
            assertThat(hits).extracting(h -> h.substring(0, h.indexOf(' '))).containsExactly("/bounce");
        }
    }
}
