package dev.agentkanban.realtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Each person's own channel on the WebSocket (issue 15): messages for one member of one workspace go
 * to every connection that member has open on this instance for that workspace, whichever boards
 * they follow. Other instances deliver to their own connections (each reads the same durable rows).
 */
@Component
public class UserChannels {

    /** A message for one member of one workspace; {@code text} is the JSON sent as is. */
    public record UserMessage(long workspaceId, long userId, String text) {}

    private final BoardRooms rooms;

    UserChannels(BoardRooms rooms) {
        this.rooms = rooms;
    }

    /** The members with a connection open on this instance (any workspace). */
    public Set<Long> connectedUsers() {
        Set<Long> users = new HashSet<>();
        for (Connection c : rooms.connections()) {
            if (c.isOpen()) {
                users.add(c.caller().userId());
            }
        }
        return users;
    }

    /** Queues each message on its member's open connections in its workspace; returns how many were queued. */
    public int deliver(List<UserMessage> messages) {
        if (messages.isEmpty()) {
            return 0;
        }
        Map<Long, List<Connection>> byUser = new HashMap<>();
        for (Connection c : rooms.connections()) {
            if (c.isOpen()) {
                byUser.computeIfAbsent(c.caller().userId(), u -> new ArrayList<>())
                        .add(c);
            }
        }
        int queued = 0;
        for (UserMessage m : messages) {
            for (Connection c : byUser.getOrDefault(m.userId(), List.of())) {
                if (c.workspaceId() == m.workspaceId()) {
                    c.send(m.text());
                    queued++;
                }
            }
        }
        return queued;
    }
}
