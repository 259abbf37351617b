package dev.agentkanban.realtime;

import dev.agentkanban.identity.AccessChanged;
import dev.agentkanban.identity.Caller;
import dev.agentkanban.identity.CallerAccess;
import dev.agentkanban.identity.RequestContext;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps every open connection within its caller's current access. A connection is authenticated at
 * its handshake, but it may last for hours: its credential and membership are checked again on every
 * {@code subscribe_board} and every {@code kanban.websocket.access-check-interval} (30 s), and a
 * connection whose token was revoked, whose session was signed out or expired, whose user was
 * disabled or deleted, whose user left the workspace, or which is a person's session signed in without
 * the second factor the workspace has come to require, gets an {@code error} ({@code access_ended})
 * and is closed (4401 for the credential, 4403 for the membership and the second factor). Such changes are also announced
 * by the database to every instance ({@link AccessChanged}), which re-checks its connections at once:
 * a revoked credential's socket closes within a second everywhere, and within one interval at worst
 * (a notification lost while the listener reconnects).
 */
@Component
class LiveAccess {

    static final int CREDENTIAL_ENDED = 4401;
    static final int NOT_A_MEMBER = 4403;

    private static final Logger log = LoggerFactory.getLogger(LiveAccess.class);

    private final CallerAccess access;
    private final BoardRooms rooms;
    private final JsonMapper json;
    private final AtomicBoolean checking = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ScheduledThreadPoolExecutor timer = timer();
    /** Each open connection's check at its credential's expiry, by connection id (cancelled when it closes). */
    private final Map<String, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();

    LiveAccess(CallerAccess access, BoardRooms rooms, JsonMapper json, LiveSettings settings) {
        this.access = access;
        this.rooms = rooms;
        this.json = json;
        long every = settings.accessCheckInterval.toMillis();
        timer.scheduleWithFixedDelay(this::checkAll, every, every, TimeUnit.MILLISECONDS);
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().daemon().name("ws-access").factory());
        // a connection's expiry check leaves the queue when the connection closes, not at the expiry
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /**
     * Ends the connection when its credential expires, at that moment: an expired credential is accepted
     * nowhere, and the periodic round (30 s) or a notice (expiry sends none) would let the socket go on
     * receiving the workspace's events meanwhile. A renewed session's page reconnects with its new token.
     */
    void endAtExpiry(Connection c) {
        Instant expires = c.caller().expiresAt();
        if (expires == null) {
            return;
        }
        long delay = Math.max(0, Duration.between(Instant.now(), expires).toMillis() + 1);
        expiries.put(
                c.id(),
                timer.schedule(
                        () -> {
                            expiries.remove(c.id());
                            if (c.isOpen()) {
                                allowed(c);
                            }
                        },
                        delay,
                        TimeUnit.MILLISECONDS));
    }

    /** The connection closed: its expiry check is dropped. */
    void closed(String connectionId) {
        ScheduledFuture<?> check = expiries.remove(connectionId);
        if (check != null) {
            check.cancel(false);
        }
    }

    /** Why a person's session signed in without a second factor may not follow a workspace that requires one. */
    static String twoFactorRequired(long workspaceId) {
        return "workspace " + workspaceId + " requires two-factor sign-in";
    }

    /** The verdict on one caller in one workspace: the current context, or why the connection ends. */
    private record Verdict(RequestContext context, CloseStatus ended) {}

    /** Whether the connection may go on (its role refreshed); if not, it is told why and closed. */
    boolean allowed(Connection c) {
        return apply(c, verdict(c.caller(), c.workspaceId()));
    }

    /**
     * A credential was revoked or a membership changed on some instance (NOTIFY kanban_access): every
     * open connection is checked again now, so that a revoked one is closed within a second.
     */
    @EventListener
    void accessChanged(AccessChanged change) {
        // a burst of notices (many tokens revoked at once) queues one round, not one per notice
        if (!rooms.connections().isEmpty() && queued.compareAndSet(false, true)) {
            timer.execute(() -> {
                queued.set(false);
                checkAll();
            });
        }
    }

    /**
     * One round over all connections; a caller with several connections is checked once. A round asked
     * for while one runs runs after it (the change may have come after the running round read it).
     */
    void checkAll() {
        again.set(true);
        while (again.get() && checking.compareAndSet(false, true)) {
            try {
                again.set(false);
                checkAll(rooms.connections());
            } catch (RuntimeException e) {
                // the database is unreachable, say: nothing can be delivered meanwhile; the next round decides
                log.debug("access check round failed: {}", e.toString());
            } finally {
                checking.set(false);
            }
        }
    }

    private void checkAll(Collection<Connection> connections) {
        Map<String, Verdict> verdicts = new HashMap<>();
        for (Connection c : connections) {
            if (c.isOpen()) {
                Caller caller = c.caller();
                String key = caller.userId() + ":" + caller.credential() + ":" + caller.credentialId() + ":"
                        + c.workspaceId();
                apply(c, verdicts.computeIfAbsent(key, k -> verdict(caller, c.workspaceId())));
            }
        }
    }

    private Verdict verdict(Caller caller, long workspaceId) {
        if (!access.valid(caller)) {
            return new Verdict(
                    null,
                    new CloseStatus(
                            CREDENTIAL_ENDED,
                            "access ended: the credential was revoked or has expired, or the user was disabled"));
        }
        if (access.lacksRequiredTwoFactorNow(caller, workspaceId)) {
            return new Verdict(null, new CloseStatus(NOT_A_MEMBER, "access ended: " + twoFactorRequired(workspaceId)));
        }
        return access.in(caller, workspaceId)
                .map(ctx -> new Verdict(ctx, null))
                .orElseGet(() -> new Verdict(
                        null,
                        new CloseStatus(NOT_A_MEMBER, "access ended: no longer a member of workspace " + workspaceId)));
    }

    private boolean apply(Connection c, Verdict v) {
        if (v.ended() == null) {
            c.refresh(v.context());
            return true;
        }
        log.info(
                "closing connection {} ({}): {}",
                c.id(),
                c.context().actor(),
                v.ended().getReason());
        c.close(Messages.error(json, "access_ended", v.ended().getReason()), v.ended());
        return false;
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
