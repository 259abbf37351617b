package dev.agentkanban.realtime;

import dev.agentkanban.identity.Caller;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.platform.Ids;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The WebSocket adapter: translates client messages ({@code subscribe_board}, {@code unsubscribe_board},
 * {@code ping}, {@code heartbeat_response}, {@code get_stats}) into calls on {@link BoardRooms}. A
 * malformed or unknown message gets an {@code error} message; the connection stays open. A caller
 * who is not a member of the workspace the handshake named is told so ({@code error} {@code forbidden})
 * and the connection is closed (4403); subscribing first re-checks the caller's access.
 */
@Component
class BoardSocketHandler extends TextWebSocketHandler {

    static final CloseStatus BINARY =
            new CloseStatus(CloseStatus.NOT_ACCEPTABLE.getCode(), "binary messages are not supported");

    private final BoardRooms rooms;
    private final LiveAccess access;
    private final JsonMapper json;
    private final LiveSettings settings;

    BoardSocketHandler(BoardRooms rooms, LiveAccess access, JsonMapper json, LiveSettings settings) {
        this.rooms = rooms;
        this.access = access;
        this.json = json;
        this.settings = settings;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        String refused = (String) session.getAttributes().get(WorkspaceHandshake.REFUSED);
        if (refused != null) {
            session.sendMessage(new TextMessage(Messages.error(json, "forbidden", refused)));
            session.close(new CloseStatus(LiveAccess.NOT_A_MEMBER, refused));
            return;
        }
        Caller caller = (Caller) session.getAttributes().get(WorkspaceHandshake.CALLER);
        RequestContext ctx = (RequestContext) session.getAttributes().get(WorkspaceHandshake.CONTEXT);
        String clientId = (String) session.getAttributes().get(WorkspaceHandshake.CLIENT_ID);
        Connection c = new Connection(session, caller, ctx, clientId, settings);
        if (!rooms.admit(c)) {
            return;
        }
        access.endAtExpiry(c);
        c.send(Messages.text(
                json,
                Messages.of(json, "connected")
                        .put("connection_id", c.id())
                        .put("client_id", clientId)
                        .put("username", ctx.actor())
                        .put("workspace_id", ctx.workspaceId())
                        .put("role", ctx.role().toString())
                        .put("heartbeat_interval_seconds", settings.heartbeatInterval.toSeconds())));
        Long board = (Long) session.getAttributes().get(WorkspaceHandshake.BOARD_ID);
        if (board != null && access.allowed(c)) {
            rooms.subscribe(c, board, (Long) session.getAttributes().get(WorkspaceHandshake.LAST_EVENT_ID));
        }
    }

    /** Messages come in parts, so that this handler, not the container, refuses one that is too long. */
    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        Connection c = rooms.connection(session.getId());
        if (c == null) {
            return;
        }
        c.heard();
        String text = c.received(message.getPayload(), message.isLast());
        if (text == null) {
            return;
        }
        JsonNode msg;
        try {
            msg = json.readTree(text);
        } catch (JacksonException e) {
            c.send(Messages.error(json, "bad_json", "the message is not valid JSON"));
            return;
        }
        JsonNode type = msg == null ? null : msg.get("type");
        if (type == null || !type.isString()) {
            c.send(Messages.error(json, "invalid_message", "a message is a JSON object with a string 'type'"));
            return;
        }
        switch (type.asString()) {
            case "subscribe_board" -> {
                Long board = id(c, msg, "board_id", true);
                Long last = id(c, msg, "last_event_id", false);
                if (board != null && (last != null || !msg.hasNonNull("last_event_id")) && access.allowed(c)) {
                    rooms.subscribe(c, board, last);
                }
            }
            case "unsubscribe_board" -> {
                Long board = id(c, msg, "board_id", true);
                if (board != null) {
                    if (rooms.unsubscribe(c, board)) {
                        c.send(Messages.text(
                                json, Messages.of(json, "unsubscribed").put("board_id", board)));
                    } else {
                        c.send(Messages.error(
                                json, "not_subscribed", "this connection does not follow board " + board));
                    }
                }
            }
            case "ping" -> c.send(Messages.text(json, Messages.of(json, "pong")));
            case "heartbeat_response" -> {
                // being heard is all it is for
            }
            case "get_stats" -> c.send(Messages.text(json, rooms.stats(c)));
            default ->
                c.send(
                        Messages.error(
                                json,
                                "unknown_message",
                                "unknown message type '" + type.asString()
                                        + "'; expected subscribe_board, unsubscribe_board, ping, heartbeat_response or get_stats"));
        }
    }

    /** A non-negative id field, or null after telling the client what is wrong with it. */
    private Long id(Connection c, JsonNode msg, String field, boolean required) {
        JsonNode v = msg.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                c.send(Messages.error(json, "invalid_message", "'" + field + "' is required"));
            }
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
            return v.asLong();
        }
        Long id = v.isString() ? Ids.parse(v.asString()) : null;
        if (id != null) {
            return id;
        }
        c.send(Messages.error(json, "invalid_message", "'" + field + "' must be a non-negative integer"));
        return null;
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
        Connection c = rooms.connection(session.getId());
        if (c != null) {
            c.close(BINARY);
        }
    }

    @Override
    protected void handlePongMessage(WebSocketSession session, PongMessage message) {
        Connection c = rooms.connection(session.getId());
        if (c != null) {
            c.heard();
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        rooms.disconnect(session.getId());
        access.closed(session.getId());
    }
}
