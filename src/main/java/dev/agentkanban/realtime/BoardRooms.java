package dev.agentkanban.realtime;

import dev.agentkanban.board.Board;
import dev.agentkanban.board.Boards;
import dev.agentkanban.events.ChangeEvent;
import dev.agentkanban.events.ChangeFeed;
import dev.agentkanban.events.ChangeStream;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.LiveConnections;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * This instance's connections and the boards they follow. Board events arrive from the
 * {@link ChangeStream} (committed outbox events, in id order) and go to the connections that follow
 * that board and belong to its workspace; each event is serialised once for all of them.
 *
 * <p>A subscription starts at the feed horizon read right after it was registered (sent back as
 * {@code cursor}): events up to it are in the state the client loads after {@code subscribed}, every
 * later one arrives live. Subscribing with {@code last_event_id} first sends what the client missed,
 * from the outbox up to that horizon, then live events, in order and without duplicates: the
 * subscription holds live events back while it replays, then releases those it did not replay. When
 * that is impossible (retention deleted some of them, or {@code last_event_id} lies beyond the feed's end)
 * the subscription follows live from its {@code cursor}, and {@code error cursor_expired} says so.
 */
@Component
class BoardRooms implements ChangeStream.Listener, LiveConnections {

    private static final int REPLAY_PAGE = 500;

    private final Boards boards;
    private final ChangeFeed feed;
    private final ChangeStream stream;
    private final JsonMapper json;
    private final LiveSettings settings;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Map<Long, Set<Connection>> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger admitted = new AtomicInteger();

    BoardRooms(Boards boards, ChangeFeed feed, ChangeStream stream, JsonMapper json, LiveSettings settings) {
        this.boards = boards;
        this.feed = feed;
        this.stream = stream;
        this.json = json;
        this.settings = settings;
        stream.register(this);
    }

    /** Open connections on this instance (health and metrics). */
    @Override
    public int count() {
        return connections.size();
    }

    /** Admits a connection unless this instance is at its limit (then it is closed with the reason). */
    boolean admit(Connection c) {
        if (admitted.incrementAndGet() > settings.maxConnections) {
            admitted.decrementAndGet();
            c.close(CloseStatus.SERVICE_OVERLOAD.withReason(
                    "connection limit reached (" + settings.maxConnections + " connections); try again later"));
            return false;
        }
        connections.put(c.id(), c);
        return true;
    }

    void disconnect(String connectionId) {
        Connection c = connections.remove(connectionId);
        if (c == null) {
            return;
        }
        admitted.decrementAndGet();
        for (long board : c.boards()) {
            leaveRoom(board, c);
        }
    }

    Connection connection(String id) {
        return connections.get(id);
    }

    Collection<Connection> connections() {
        return connections.values();
    }

    /**
     * Follows a board the connection's caller may read (404 for a board of another workspace, as
     * over HTTP), catching up from {@code lastEventId} first when given.
     */
    void subscribe(Connection c, long boardId, Long lastEventId) {
        Board board;
        try {
            board = CurrentRequest.runAs(c.context(), () -> boards.get(boardId));
        } catch (ApiException e) {
            c.send(Messages.error(json, e.status().value() == 404 ? "not_found" : "forbidden", e.getMessage()));
            return;
        }
        // A cursor beyond the feed's end (the highest id drawn, read from the database as the change feed
        // does, so the same on every instance) was never handed out: resuming after it would hold back every
        // live event up to it. Such a subscription starts at the horizon, as one without a cursor, and says
        // so. A cursor at or below the end is the client's word that it has every event up to it.
        long end = lastEventId == null ? 0 : feed.end();
        boolean beyondEnd = lastEventId != null && lastEventId > end;
        Connection.Subscription s = c.subscribe(boardId);
        rooms.computeIfAbsent(boardId, b -> ConcurrentHashMap.newKeySet()).add(c);
        // Read after registering: every event above it reaches this subscription live.
        long through = feed.horizon();
        ObjectNode subscribed = Messages.of(json, "subscribed")
                .put("board_id", boardId)
                .put("board_name", board.name())
                .put("cursor", through);
        c.send(Messages.text(json, subscribed));
        try {
            if (lastEventId == null || beyondEnd) {
                c.startAfter(s, through);
                if (beyondEnd) {
                    cursorLost(
                            c,
                            boardId,
                            through,
                            "last_event_id " + lastEventId + " lies beyond the feed's end (" + end
                                    + "), so what was missed cannot be replayed; subscribed from cursor " + through
                                    + " instead: reload the board state, live events follow");
                }
            } else {
                // the client has everything up to its last event: an event at or below it that arrives live
                // during the catch-up (committed before the subscription, dispatched after) is not sent again
                c.startAfter(s, lastEventId);
                catchUp(c, s, boardId, lastEventId, through);
            }
        } finally {
            c.caughtUp(s);
        }
    }

    private void catchUp(Connection c, Connection.Subscription s, long boardId, long lastEventId, long through) {
        long after = lastEventId;
        try {
            while (after < through) {
                long from = after;
                List<ChangeEvent> missed =
                        CurrentRequest.runAs(c.context(), () -> feed.boardEvents(boardId, from, through, REPLAY_PAGE));
                for (ChangeEvent e : missed) {
                    c.replay(s, e.eventId(), Messages.event(json, e));
                }
                after = missed.size() < REPLAY_PAGE ? through : missed.getLast().eventId();
            }
        } catch (ApiException e) {
            cursorLost(c, boardId, through, e.getMessage());
        }
    }

    /**
     * {@code error cursor_expired}: the events after the client's {@code last_event_id} cannot be replayed;
     * the subscription goes on live after {@code cursor}, and the client reloads the board's state.
     */
    private void cursorLost(Connection c, long boardId, long cursor, String message) {
        c.send(Messages.text(
                json,
                Messages.of(json, "error")
                        .put("code", "cursor_expired")
                        .put("message", message)
                        .put("board_id", boardId)
                        .put("cursor", cursor)));
    }

    boolean unsubscribe(Connection c, long boardId) {
        if (!c.unsubscribe(boardId)) {
            return false;
        }
        leaveRoom(boardId, c);
        return true;
    }

    private void leaveRoom(long boardId, Connection c) {
        rooms.computeIfPresent(boardId, (b, members) -> {
            members.remove(c);
            return members.isEmpty() ? null : members;
        });
    }

    @Override
    public void committed(List<ChangeEvent> events) {
        for (ChangeEvent e : events) {
            if (e.boardId() == null) {
                continue;
            }
            Set<Connection> members = rooms.get(e.boardId());
            if (members == null || members.isEmpty()) {
                continue;
            }
            String text = null;
            for (Connection c : members) {
                if (c.workspaceId() == e.workspaceId()) {
                    if (text == null) {
                        text = Messages.event(json, e);
                    }
                    c.deliver(e.boardId(), e.eventId(), text);
                }
            }
        }
    }

    /** Counts for {@code get_stats}. */
    ObjectNode stats(Connection c) {
        ObjectNode stats = Messages.of(json, "stats")
                .put("connections", connections.size())
                .put("max_connections", settings.maxConnections)
                .put("boards", rooms.size())
                .put("dispatched_through", stream.position());
        var mine = stats.putArray("subscribed_boards");
        c.boards().stream().sorted().forEach(mine::add);
        return stats;
    }
}
