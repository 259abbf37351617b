package dev.agentkanban.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a client may send on the live connection: a message in fragments counts as one message; one
 * longer than {@link RealtimeConfig#MAX_CLIENT_MESSAGE}, whole or in fragments, closes the connection
 * with 1009 and a close frame; a binary message closes it with 1003.
 */
class ClientMessagesTest extends ApiTest {

    private static final String PING = "{\"type\":\"ping\"}";

    private String token;

    @BeforeAll
    void token() {
        token = identities.issueToken(admin.id(), "ws", List.of("read", "write", "admin"));
    }

    private RawWebSocket connected() throws Exception {
        RawWebSocket socket = new RawWebSocket(port, "/ws", token);
        socket.awaitText("\"connected\"");
        return socket;
    }

    @Test
    void aMessageInFragmentsIsOneMessage() throws Exception {
        try (RawWebSocket socket = connected()) {
            socket.send(RawWebSocket.TEXT, bytes(PING.substring(0, 5)), false);
            socket.send(RawWebSocket.CONTINUATION, bytes(PING.substring(5, 9)), false);
            socket.send(RawWebSocket.CONTINUATION, bytes(PING.substring(9)), true);
            assertThat(socket.awaitText("\"type\"")).contains("\"pong\"");
            socket.send(PING);
            assertThat(socket.awaitText("\"type\"")).contains("\"pong\"");
        }
    }

    @Test
    void fragmentsLongerTogetherThanTheLimitCloseTheConnection() throws Exception {
        String part = "x".repeat(RealtimeConfig.MAX_CLIENT_MESSAGE / 2);
        try (RawWebSocket socket = connected()) {
            socket.send(RawWebSocket.TEXT, bytes("{\"type\":\"ping\",\"pad\":\"" + part), false);
            socket.send(RawWebSocket.CONTINUATION, bytes(part), false);
            socket.send(RawWebSocket.CONTINUATION, bytes("\"}"), true);
            assertThat(socket.awaitCloseCode()).isEqualTo(1009);
        }
    }

    /**
     * Right after the server's own message (here "connected"), while its send may still be in flight:
     * the container's refusal of a long message used to end about one connection in ten there without
     * a close frame, so fifty in a row found it almost surely.
     */
    @Test
    void aLongMessageGetsTheCloseFrameEvenRightAfterTheServerSpoke() throws Exception {
        String padded = "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(RealtimeConfig.MAX_CLIENT_MESSAGE) + "\"}";
        for (int i = 0; i < 50; i++) {
            try (RawWebSocket socket = connected()) {
                socket.send(padded);
                assertThat(socket.awaitCloseCode()).as("connection %d", i).isEqualTo(1009);
            }
        }
    }

    @Test
    void aBinaryMessageClosesTheConnection() throws Exception {
        try (RawWebSocket socket = connected()) {
            socket.send(RawWebSocket.BINARY, bytes(PING), true);
            assertThat(socket.awaitCloseCode()).isEqualTo(1003);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
