package dev.agentkanban.events;

import dev.agentkanban.platform.WakeableLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This instance's dispatcher: follows the outbox with the change feed's gap-free cursor and hands every
 * committed event, in id order, to this instance's listeners (live WebSocket delivery). The outbox is
 * the source of truth, so every instance delivers every event whichever instance made the change, and
 * a rolled-back change is never delivered. It wakes on the database's notification
 * ({@link #wake()}, see {@link OutboxNotifications}) and polls as well, so a lost notification only
 * delays delivery.
 *
 * <p>It reads all workspaces' events at once in a system transaction, outside any request: this is
 * system work, not tenant work. Listeners filter per subscriber (workspace, board) in memory.
 */
@Component
public class ChangeStream implements SmartLifecycle {

    /** Receives committed events in id order, on the dispatcher's thread; must not block for long. */
    public interface Listener {
        void committed(List<ChangeEvent> events);
    }

    /**
     * Every final event with an id in {@code (after, through]}, in id order: what one dispatcher round
     * read (possibly none), or several contiguous rounds joined.
     */
    public record Span(long after, long through, List<ChangeEvent> events) {

        /** Whether this span holds every event after {@code cursor} up to its end. */
        public boolean continues(long cursor) {
            return after <= cursor && cursor <= through;
        }

        /** Its events after {@code cursor}. */
        public List<ChangeEvent> after(long cursor) {
            int i = 0;
            while (i < events.size() && events.get(i).eventId() <= cursor) {
                i++;
            }
            return events.subList(i, events.size());
        }
    }

    /**
     * What the dispatcher handed a durable follower (the rule engine, the webhook worker, the
     * notification fan-out) since it last took it: the events it read itself, joined into one
     * {@link Span} while its rounds are contiguous, so that the follower need not read the outbox again
     * (issue #19). A follower takes it in its own transaction and uses it only when it continues the
     * follower's persisted cursor; otherwise it reads the outbox (ChangeFeed#followDurably).
     *
     * <p>A follower that took events waits at least the follower interval before it takes again
     * ({@link #pace()}): under load the rounds of that interval are joined and handled in one of its
     * transactions, where each round with an event would cost it a transaction and a commit (issue #19);
     * the first event after a quiet interval is taken at once.
     */
    public static final class Handed {

        private final Runnable wake;
        private final int limit;
        private final long intervalNanos;
        private long after = NOT_STARTED;
        private long through = NOT_STARTED;
        private List<ChangeEvent> events = new ArrayList<>();
        private boolean fresh;
        private boolean tookEvents;
        private long tookAt;

        Handed(Runnable wake, int limit, Duration interval) {
            this.wake = wake;
            this.limit = limit;
            this.intervalNanos = interval.toNanos();
        }

        /** Called by the dispatcher with each round's span, in order. */
        void add(long from, long to, List<ChangeEvent> batch) {
            synchronized (this) {
                if (through != from || events.size() + batch.size() > limit) {
                    // not contiguous (a reset outbox), or more than the follower takes at once: start over
                    // here; the follower reads what it misses from the outbox
                    after = from;
                    events = new ArrayList<>();
                }
                through = to;
                events.addAll(batch);
                fresh = true;
            }
            wake.run();
        }

        /**
         * What was handed since the last take, or null when nothing was (the follower was woken by
         * something else, or its poll: it reads the outbox). A span without events leaves what is kept
         * as it is, so that the next one still starts where the follower's cursor was moved to.
         */
        public Span take() {
            return take(System.nanoTime());
        }

        synchronized Span take(long now) {
            if (!fresh) {
                return null;
            }
            fresh = false;
            Span span = new Span(after, through, List.copyOf(events));
            if (!events.isEmpty()) {
                after = through;
                events = new ArrayList<>();
                tookEvents = true;
                tookAt = now;
            }
            return span;
        }

        /**
         * Waits, on the follower's thread before it takes, for what is left of the follower interval
         * since it last took events: nothing after a quiet interval. Events handed meanwhile are joined
         * and their wake-ups kept, so the take that follows gets them all.
         */
        public void pace() throws InterruptedException {
            long rest = rest(System.nanoTime());
            if (rest > 0) {
                Thread.sleep(Duration.ofNanos(rest));
            }
        }

        /** The nanoseconds a take at {@code now} waits for. */
        synchronized long rest(long now) {
            return tookEvents ? Math.max(0, intervalNanos - (now - tookAt)) : 0;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ChangeStream.class);
    private static final int BATCH = 500;
    /** Before the first look: live delivery starts at the outbox's end, not at its beginning. */
    private static final long NOT_STARTED = -1;

    private final EventRepository repo;
    private final FeedHorizon horizon;
    private final SystemTransactions system;
    private final Duration pollInterval;
    private final Duration catchUpInterval;
    private final Duration followerInterval;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<Handed> followers = new CopyOnWriteArrayList<>();
    private final WakeableLoop loop = new WakeableLoop();
    private volatile long position;

    ChangeStream(
            EventRepository repo,
            FeedHorizon horizon,
            SystemTransactions system,
            @Value("${kanban.events.poll-interval:PT1S}") Duration pollInterval,
            @Value("${kanban.events.catch-up-interval:PT0.02S}") Duration catchUpInterval,
            @Value("${kanban.events.follower-interval:PT0.1S}") Duration followerInterval) {
        this.repo = repo;
        this.horizon = horizon;
        this.system = system;
        this.pollInterval = pollInterval;
        this.catchUpInterval = catchUpInterval;
        this.followerInterval = followerInterval;
    }

    public void register(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Registers a durable follower: each round's events (also an empty round's span) are added to the
     * answer, and {@code wake} is called, on the dispatcher's thread. At most {@code limit} events are
     * kept for it; beyond that it reads the outbox itself. The follower calls {@link Handed#pace()}
     * before each take ({@code kanban.events.follower-interval}).
     */
    public Handed follow(Runnable wake, int limit) {
        Handed handed = new Handed(wake, limit, followerInterval);
        followers.add(handed);
        return handed;
    }

    /**
     * The id through which events have been handed to the listeners, or are being handed right now
     * (it moves before a batch is delivered). It never passes the feed horizon, so a listener that
     * registers interest and then reads {@link ChangeFeed#horizon()} gets every later event live.
     */
    public long position() {
        long p = position;
        return p == NOT_STARTED ? horizon.advance() : p;
    }

    /** Asks the dispatcher to look at the outbox now (a notification arrived, or a local commit). */
    public void wake() {
        loop.wake();
    }

    @Override
    public void start() {
        // the starting position is read by the dispatcher thread, so that a database outage at start
        // does not hold up the application's start for the pool's acquire timeout
        position = NOT_STARTED;
        loop.start("outbox-dispatcher", () -> {
            try {
                position = horizon.advance();
            } catch (RuntimeException e) {
                log.warn("outbox not readable at start, the dispatcher will retry: {}", e.toString());
            }
            loop.repeat(
                    () -> {
                        loop.await(horizon.behind() ? catchUpInterval : pollInterval);
                        dispatch();
                    },
                    pollInterval,
                    log,
                    "outbox dispatch failed");
        });
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }

    private void dispatch() {
        if (position == NOT_STARTED) {
            position = horizon.advance();
            return;
        }
        // the look at the horizon and the first batch in one call (issue #19)
        EventRepository.Round round = horizon.round(position, BATCH);
        long through = round.through();
        List<ChangeEvent> read = round.events();
        if (through < position) {
            // the outbox sequence was reset (restore, or tests truncating the table): start over
            position = 0;
            read = null;
        }
        while (position < through) {
            long after = position;
            List<ChangeEvent> batch = read != null ? read : system.read(() -> repo.allEvents(after, through, BATCH));
            read = null;
            position = batch.size() < BATCH ? through : batch.getLast().eventId();
            for (Handed follower : followers) {
                follower.add(after, position, batch);
            }
            if (!batch.isEmpty()) {
                for (Listener listener : listeners) {
                    try {
                        listener.committed(batch);
                    } catch (RuntimeException e) {
                        log.warn(
                                "a change listener failed on events {}..{}",
                                batch.getFirst().eventId(),
                                batch.getLast().eventId(),
                                e);
                    }
                }
            }
        }
    }
}
