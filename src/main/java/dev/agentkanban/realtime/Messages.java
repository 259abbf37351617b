package dev.agentkanban.realtime;

import dev.agentkanban.events.ChangeEvent;
import java.time.Instant;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server's messages. Control messages carry {@code type} ({@code connected}, {@code subscribed},
 * {@code unsubscribed}, {@code pong}, {@code heartbeat}, {@code stats}, {@code error}); board events
 * carry {@code event} and are shaped {@code {event, board_id, event_id, timestamp, actor, data}}.
 */
final class Messages {

    private Messages() {}

    static ObjectNode of(JsonMapper json, String type) {
        ObjectNode node = json.createObjectNode();
        node.put("type", type);
        node.put("timestamp", Instant.now().toString());
        return node;
    }

    static String text(JsonMapper json, ObjectNode node) {
        return json.writeValueAsString(node);
    }

    static String error(JsonMapper json, String code, String message) {
        return text(json, of(json, "error").put("code", code).put("message", message));
    }

    static String event(JsonMapper json, ChangeEvent e) {
        ObjectNode node = json.createObjectNode();
        node.put("event", e.type());
        node.put("board_id", e.boardId());
        node.put("event_id", e.eventId());
        node.put("timestamp", e.occurredAt().toString());
        node.put("actor", e.actor());
        node.set("data", e.data());
        return text(json, node);
    }
}
