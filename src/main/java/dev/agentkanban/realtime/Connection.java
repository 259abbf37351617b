package dev.agentkanban.realtime;

import dev.agentkanban.identity.Caller;
import dev.agentkanban.identity.RequestContext;
import jakarta.websocket.RemoteEndpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * One client connection: who it is (the caller and their workspace, actor and role, captured at the
 * handshake and re-checked while it lasts, see {@link LiveAccess}), which boards it follows, and its
 * outgoing messages.
 *
 * <p>Sending never makes the caller wait for the client, and an idle connection holds no thread:
 * messages go into a bounded queue, and the queue is drained with the container's asynchronous sends
 * ({@code RemoteEndpoint.Async}), one message at a time, each started by the completion of the one
 * before (or by whoever queues into an empty queue: the dispatcher's fan-out writes to the sockets
 * without blocking and without a thread per subscriber). A client that lets its queue fill up, or
 * whose socket write stalls past the send time limit, is disconnected, so a slow client never slows
 * the dispatcher or the other clients.
 */
final class Connection {

    static final CloseStatus TOO_SLOW =
            new CloseStatus(CloseStatus.POLICY_VIOLATION.getCode(), "client too slow: its send queue is full");

    static final CloseStatus TOO_BIG = new CloseStatus(
            CloseStatus.TOO_BIG_TO_PROCESS.getCode(),
            "a message is at most " + RealtimeConfig.MAX_CLIENT_MESSAGE + " characters");

    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    /** A send's hand-off: in flight, and its caller has not returned yet. */
    private static final int IN_FLIGHT = 0;
    /** A send's hand-off: the caller returned first, so the completion drains on. */
    private static final int RETURNED = 1;
    /** A send's hand-off: the send completed inside the call, so the caller's loop drains on. */
    private static final int COMPLETED = 2;

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

    /** Sends one text message and reports its end to {@code done} (null: sent), possibly before returning. */
    private interface Sender {
        void send(String text, Consumer<Throwable> done);
    }

    private final WebSocketSession session;
    private final Sender sender;
    private final Caller caller;
    private volatile RequestContext context;
    private final String clientId;
    private final long sendTimeLimitNanos;
    private final BlockingQueue<String> queue;
    /** Whether a send is in flight (or about to be): only its owner polls the queue. */
    private final AtomicBoolean sending = new AtomicBoolean();
    /** When the blocking send in progress started (0: none); see {@link #stalled}. */
    private final AtomicLong sendingSince = new AtomicLong();

    private final Map<Long, Subscription> subscriptions = new ConcurrentHashMap<>();
    /** The parts of a client message received so far, until its last (null: none pending); reader's thread only. */
    private StringBuilder parts;

    private volatile long lastHeard = System.nanoTime();
    private volatile boolean closed;
    private volatile String lastWords;
    private volatile CloseStatus closeStatus;

    Connection(WebSocketSession raw, Caller caller, RequestContext context, String clientId, LiveSettings settings) {
        this.session = raw;
        this.caller = caller;
        this.context = context;
        this.clientId = clientId;
        this.sendTimeLimitNanos = settings.sendTimeLimit.toNanos();
        // bounded, but not allocated up front: an array of 1,000 slots was 4 KB per idle connection
        this.queue = new LinkedBlockingQueue<>(settings.sendQueueMessages);
        jakarta.websocket.Session nativeSession =
                raw instanceof NativeWebSocketSession n ? n.getNativeSession(jakarta.websocket.Session.class) : null;
        if (nativeSession != null) {
            // Tomcat writes a message in frames of its buffer's size, each write with this timeout: a
            // socket that takes nothing for the send time limit fails the send and the connection is
            // dropped, while a client that keeps reading is never dropped for a message's total time
            // (which, with a completion handed to another thread per frame, grows with the machine's
            // load). The close frame's blocking write gets the same limit (Tomcat's own is 20 s).
            nativeSession.getUserProperties().put(BLOCKING_SEND_TIMEOUT, settings.sendTimeLimit.toMillis());
            RemoteEndpoint.Async remote = nativeSession.getAsyncRemote();
            remote.setSendTimeout(settings.sendTimeLimit.toMillis());
            this.sender = (text, done) -> remote.sendText(text, r -> done.accept(r.isOK() ? null : r.getException()));
        } else {
            // another container's session: blocking sends on the caller's thread, timed by the heartbeats' check
            this.sender = (text, done) -> {
                Throwable failed = null;
                sendingSince.set(System.nanoTime());
                try {
                    raw.sendMessage(new TextMessage(text));
                } catch (IOException | RuntimeException e) {
                    failed = e;
                } finally {
                    sendingSince.set(0);
                }
                done.accept(failed);
            };
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
        if (sending.compareAndSet(false, true)) {
            drain();
        }
    }

    /**
     * Sends queued messages while this thread owns the sending: a send that completes within the call
     * (the socket took it all) lets the loop go on; one that completes later continues from its
     * completion, so no thread waits for a socket and the stack stays flat however long the queue.
     */
    private void drain() {
        while (true) {
            if (closed) {
                finish();
                return;
            }
            String next = queue.poll();
            if (next == null) {
                sending.set(false);
                // a message queued between the poll and the release would otherwise wait for the next one
                if ((queue.isEmpty() && !closed) || !sending.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            Send send = new Send();
            try {
                sender.send(next, send);
            } catch (RuntimeException e) {
                send.accept(e);
            }
            if (send.handoff.compareAndSet(IN_FLIGHT, RETURNED)) {
                return;
            }
        }
    }

    /** The end of one send: reported once, it drains on unless the loop that started it still runs. */
    private final class Send implements Consumer<Throwable> {
        final AtomicInteger handoff = new AtomicInteger(IN_FLIGHT);
        private final AtomicBoolean ended = new AtomicBoolean();

        @Override
        public void accept(Throwable failure) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            if (failure != null && !closed) {
                log.info("dropping connection {} ({}): a send failed: {}", id(), context.actor(), failure.toString());
                close(TOO_SLOW);
            }
            if (!handoff.compareAndSet(IN_FLIGHT, COMPLETED)) {
                drain();
            }
        }
    }

    /**
     * Whether a blocking send has been stuck for longer than the send time limit (only another
     * container's sessions send blocking; Tomcat fails a stuck asynchronous write itself).
     */
    boolean stalled() {
        long since = sendingSince.get();
        return !closed && since != 0 && System.nanoTime() - since > sendTimeLimitNanos;
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

    /**
     * One part of a client message (the container hands a message over in parts when it arrives in
     * fragments or outgrows its buffer): the whole message after its last part, null before. A message
     * longer than {@link RealtimeConfig#MAX_CLIENT_MESSAGE} closes the connection (1009, too big) like
     * any other close here, after the send in flight, so the client gets the close frame: the
     * container's own refusal of a long message ended the connection without one about one time in
     * ten, when it fell on a send in flight.
     */
    String received(String part, boolean last) {
        if (closed) {
            return null;
        }
        int length = (parts == null ? 0 : parts.length()) + part.length();
        if (length > RealtimeConfig.MAX_CLIENT_MESSAGE) {
            parts = null;
            close(TOO_BIG);
            return null;
        }
        if (parts == null && last) {
            return part;
        }
        if (parts == null) {
            parts = new StringBuilder(length);
        }
        parts.append(part);
        if (!last) {
            return null;
        }
        String whole = parts.toString();
        parts = null;
        return whole;
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
        lastWords = last;
        closeStatus = status;
        closed = true;
        queue.clear();
        // without a send in flight, the closing is done here; otherwise the end of that send does it
        if (sending.compareAndSet(false, true)) {
            finish();
        }
    }

    /** The end, by the owner of the sending once closed: the last words, then the close frame. */
    private void finish() {
        String last = lastWords;
        lastWords = null;
        if (last == null) {
            closeSession();
            return;
        }
        try {
            sender.send(last, failure -> closeSession());
        } catch (RuntimeException e) {
            log.debug("the last message to {} failed: {}", id(), e.toString());
            closeSession();
        }
    }

    /** Closing writes the close frame and may block on a stuck socket: never on the caller's thread. */
    private void closeSession() {
        CloseStatus status = closeStatus;
        Thread.ofVirtual().name("ws-close-" + id()).start(() -> {
            try {
                session.close(status);
            } catch (IOException | RuntimeException e) {
                log.debug("closing {} failed: {}", id(), e.toString());
            }
        });
    }
}
