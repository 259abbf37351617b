package dev.agentkanban.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A refused WebSocket handshake answers problem+json (SPEC §4) like the 401 and 429 on these endpoints
 * do, not a bare status: bad query parameters of the seed connect form name the parameter (422, as the
 * REST API answers a query parameter of the wrong kind), and what is not a handshake at all says so.
 */
class HandshakeProblemsTest extends ApiTest {

    private String token;

    @BeforeAll
    void token() {
        token = identities.issueToken(admin.id(), "handshake", List.of("read", "write", "admin"));
    }

    @Test
    void aQueryParameterThatIsNotAnIdIsA422NamingIt() throws Exception {
        for (String query : List.of(
                "board_id=abc",
                "board_id=-1",
                "board_id=99999999999999999999",
                "last_event_id=abc",
                "last_event_id=-4",
                "client_id=c&board_id=1&last_event_id=1.5")) {
            Raw answer = handshake("/ws/connect?" + query + "&token=" + token);
            String field = query.contains("last_event_id") ? "last_event_id" : "board_id";
            assertThat(answer.status()).as(query).isEqualTo(422);
            assertThat(answer.headers().get("content-type")).as(query).startsWith("application/problem+json");
            JsonNode problem = Http.JSON.readTree(answer.body());
            assertThat(problem.get("status").asInt()).isEqualTo(422);
            assertThat(problem.get("type").asString()).endsWith("/validation");
            assertThat(problem.get("errors").get(0).get("field").asString())
                    .as(query)
                    .isEqualTo(field);
            assertThat(problem.get("detail").asString()).startsWith(field + ":");
        }
    }

    @Test
    void whatIsNotAHandshakeIsAProblemToo() {
        Http.Response plain = http.get("/ws");
        assertThat(plain.status()).isEqualTo(400);
        assertThat(plain.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(plain.json().get("detail").asString()).contains("not a WebSocket handshake");

        Http.Response posted = http.post("/ws", "{}");
        assertThat(posted.status()).isEqualTo(405);
        assertThat(posted.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(posted.json().get("status").asInt()).isEqualTo(405);
        assertThat(posted.header("Allow")).hasValueSatisfying(a -> assertThat(a).contains("GET"));
    }

    @Test
    void anUnsupportedVersionIsA426Problem() throws Exception {
        Raw answer = handshake("/ws?token=" + token, "Sec-WebSocket-Version: 12");
        assertThat(answer.status()).isEqualTo(426);
        assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(answer.headers().get("sec-websocket-version")).isEqualTo("13");
        assertThat(Http.JSON.readTree(answer.body()).get("detail").asString()).contains("version 13");
    }

    @Test
    void aPageOfAnotherOriginIsA403Problem() throws Exception {
        Raw answer = handshake("/ws?token=" + token, "Sec-WebSocket-Version: 13", "Origin: http://elsewhere.example");
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(Http.JSON.readTree(answer.body()).get("detail").asString()).contains("origin");
    }

    @Test
    void aGoodHandshakeStillUpgrades() throws Exception {
        assertThat(handshake("/ws/connect?client_id=c&board_id=1&last_event_id=4&token=" + token)
                        .status())
                .isEqualTo(101);
        // a page of the service's own origin
        assertThat(handshake("/ws?token=" + token, "Sec-WebSocket-Version: 13", "Origin: http://localhost:" + port)
                        .status())
                .isEqualTo(101);
    }

    private record Raw(int status, Map<String, String> headers, String body) {}

    /** A WebSocket opening handshake as a client sends it, and the server's answer up to its body's end. */
    private Raw handshake(String path) throws IOException {
        return handshake(path, "Sec-WebSocket-Version: 13");
    }

    /** With {@code headers} (lines without their ends) after the key, a version among them. */
    private Raw handshake(String path, String... lines) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout((int) LiveClient.WAIT.toMillis());
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port
                                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + String.join("\r\n", lines)
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            int status = Integer.parseInt(RawWebSocket.line(in).split(" ")[1]);
            Map<String, String> headers = new HashMap<>();
            for (String h = RawWebSocket.line(in); !h.isEmpty(); h = RawWebSocket.line(in)) {
                int colon = h.indexOf(':');
                headers.put(
                        h.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        h.substring(colon + 1).trim());
            }
            if (status == 101) {
                return new Raw(status, headers, "");
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            return new Raw(status, headers, new String(body, StandardCharsets.UTF_8));
        }
    }
}
