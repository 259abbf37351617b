package dev.agentkanban.realtime;

import dev.agentkanban.identity.Caller;
import dev.agentkanban.identity.RequestContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * One client connection: who it is (the caller and their workspace, actor and role, captured at the
 * handshake and re-checked while it lasts, see {@link LiveAccess}), which boards it follows, and its
 * outgoing messages.
 *
 * <p>Sending never makes the caller wait for the client: messages go into a bounded queue that one
 * virtual thread per connection drains into the session, which is wrapped in Spring's
 * {@link ConcurrentWebSocketSessionDecorator} with a send time limit and a buffer limit. A client that
 * lets its queue fill up, or whose socket write stalls past the time limit, is disconnected, so a slow
 * client never slows the dispatcher or the other clients.
 */
final class Connection {

    static final CloseStatus TOO_SLOW =
            new CloseStatus(CloseStatus.POLICY_VIOLATION.getCode(), "client too slow: its send queue is full");

    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    /** A board this connection follows. Until caught up, live events wait in {@code held}. */
    static final class Subscription {
        final long boardId;
        private long lastSent;
        private boolean catchingUp = true;
        private final List<Held> held = new ArrayList<>();

        Subscription(long boardId) {
            this.boardId = boardId;
        }
    }

    private record Held(long eventId, String text) {}

    private final WebSocketSession session;
    private final Caller caller;
    private volatile RequestContext context;
    private final String clientId;
    private final long sendTimeLimitNanos;
    private final BlockingQueue<String> queue;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong sendingSince = new AtomicLong();
    private final Map<Long, Subscription> subscriptions = new ConcurrentHashMap<>();
    private volatile long lastHeard = System.nanoTime();
    private volatile boolean closed;

    Connection(WebSocketSession raw, Caller caller, RequestContext context, String clientId, LiveSettings settings) {
        this.session = new ConcurrentWebSocketSessionDecorator(
                raw,
                (int) settings.sendTimeLimit.toMillis(),
                settings.sendBufferBytes,
                ConcurrentWebSocketSessionDecorator.OverflowStrategy.TERMINATE);
        this.caller = caller;
        this.context = context;
        this.clientId = clientId;
        this.sendTimeLimitNanos = settings.sendTimeLimit.toNanos();
        // bounded, but not allocated up front: an array of 1,000 slots was 4 KB per idle connection
        this.queue = new LinkedBlockingQueue<>(settings.sendQueueMessages);
        if (raw instanceof NativeWebSocketSession n && n.getNativeSession(jakarta.websocket.Session.class) != null) {
            // Tomcat's own limit on one blocking write (default 20 s): a stuck socket fails the send
            // after the send time limit instead, and the connection is dropped.
            n.getNativeSession(jakarta.websocket.Session.class)
                    .getUserProperties()
                    .put(BLOCKING_SEND_TIMEOUT, settings.sendTimeLimit.toMillis());
        }
    }

    String id() {
        return session.getId();
    }

    Caller caller() {
        return caller;
    }

    RequestContext context() {
        return context;
    }

    /** The caller's access as just re-checked (same workspace; the role may have changed). */
    void refresh(RequestContext current) {
        context = current;
    }

    long workspaceId() {
        return context.workspaceId();
    }

    String clientId() {
        return clientId;
    }

    boolean isOpen() {
        return !closed && session.isOpen();
    }

    Set<Long> boards() {
        return Set.copyOf(subscriptions.keySet());
    }

    /** Queues a message; a full queue means the client does not keep up and is disconnected. */
    void send(String text) {
        if (closed) {
            return;
        }
        if (!queue.offer(text)) {
            log.info("dropping connection {} ({}): its send queue is full", id(), context.actor());
            close(TOO_SLOW);
            return;
        }
        if (draining.compareAndSet(false, true)) {
            Thread.ofVirtual().name("ws-send-" + id()).start(this::drain);
        }
    }

    private void drain() {
        while (true) {
            String next;
            while (!closed && (next = queue.poll()) != null) {
                try {
                    sendingSince.set(System.nanoTime());
                    session.sendMessage(new TextMessage(next));
                } catch (IOException | RuntimeException e) {
                    if (!closed) {
                        log.info("dropping connection {} ({}): a send failed: {}", id(), context.actor(), e.toString());
                    }
                    close(TOO_SLOW);
                } finally {
                    sendingSince.set(0);
                }
            }
            draining.set(false);
            if (closed || queue.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /** Whether one send has been stuck for longer than the send time limit. */
    boolean stalled() {
        long since = sendingSince.get();
        return since != 0 && System.nanoTime() - since > sendTimeLimitNanos;
    }

    /** Starts following a board; live events are held back until {@link #caughtUp}. */
    Subscription subscribe(long boardId) {
        Subscription s = new Subscription(boardId);
        subscriptions.put(boardId, s);
        return s;
    }

    boolean unsubscribe(long boardId) {
        return subscriptions.remove(boardId) != null;
    }

    boolean follows(long boardId) {
        return subscriptions.containsKey(boardId);
    }

    /** A live event from the dispatcher: sent once, in order, or held while the board catches up. */
    void deliver(long boardId, long eventId, String text) {
        Subscription s = subscriptions.get(boardId);
        if (s == null || closed) {
            return;
        }
        synchronized (s) {
            if (s.catchingUp) {
                s.held.add(new Held(eventId, text));
            } else if (eventId > s.lastSent) {
                s.lastSent = eventId;
                send(text);
            }
        }
    }

    /** Live delivery starts after this event id (what came before is in the state the client loads). */
    void startAfter(Subscription s, long eventId) {
        synchronized (s) {
            s.lastSent = Math.max(s.lastSent, eventId);
        }
    }

    /** An event the client missed, read from the outbox while catching up. */
    void replay(Subscription s, long eventId, String text) {
        synchronized (s) {
            if (eventId > s.lastSent) {
                s.lastSent = eventId;
                send(text);
            }
        }
    }

    /** Ends catching up: what arrived live meanwhile follows, without what the catch-up already sent. */
    void caughtUp(Subscription s) {
        synchronized (s) {
            for (Held h : s.held) {
                if (h.eventId() > s.lastSent) {
                    s.lastSent = h.eventId();
                    send(h.text());
                }
            }
            s.held.clear();
            s.catchingUp = false;
        }
    }

    void heard() {
        lastHeard = System.nanoTime();
    }

    long silentNanos() {
        return System.nanoTime() - lastHeard;
    }

    /** Closes with a reason the client can read; never waits for a stuck socket. */
    void close(CloseStatus status) {
        close(null, status);
    }

    /** Closes, sending {@code last} first instead of whatever is still queued. */
    void close(String last, CloseStatus status) {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        Thread.ofVirtual().name("ws-close-" + id()).start(() -> {
            try {
                if (last != null) {
                    session.sendMessage(new TextMessage(last));
                }
            } catch (IOException | RuntimeException e) {
                log.debug("the last message to {} failed: {}", id(), e.toString());
            }
            try {
                session.close(status);
            } catch (IOException | RuntimeException e) {
                log.debug("closing {} failed: {}", id(), e.toString());
            }
        });
    }
}
