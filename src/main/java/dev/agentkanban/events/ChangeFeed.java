package dev.agentkanban.events;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.ReplicaReads;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * The change feed: the request workspace's committed events in outbox id order, read up to the
 * {@link FeedHorizon}, so a reader that follows the cursor never misses an event and never sees one
 * twice. Used by {@code GET /api/v1/events}, by live subscribers catching up after a reconnect, and
 * by anything else that resumes from an event id.
 */
@Service
public class ChangeFeed {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    /** How long {@link #latest()} waits at most for writers still running to end. */
    static final Duration LATEST_WAIT = Duration.ofSeconds(2);

    private final EventRepository repo;
    private final FeedHorizon horizon;
    private final ReplicaReads replica;
    private final SystemTransactions system;

    ChangeFeed(EventRepository repo, FeedHorizon horizon, ReplicaReads replica, SystemTransactions system) {
        this.replica = replica;
        this.repo = repo;
        this.horizon = horizon;
        this.system = system;
    }

    /**
     * Events after {@code after} (null: from the oldest retained event), optionally of one board.
     * A cursor that points into events already deleted by retention is a 410.
     *
     * <p>A reader sees its own writes: every event that committed before the call is on this page or,
     * when the page is full, a later one. A page ends at the horizon, which may trail the last
     * commit while a transaction that drew a lower id still runs. So the read takes the events up to
     * the highest id drawn, and when one of them lies beyond the horizon (committed, but not yet final
     * in id order) it waits up to {@link #LATEST_WAIT} for the horizon to reach it and reads again.
     * When nothing committed lies beyond the horizon (the usual case), it answers at once. Past the
     * wait it answers up to the horizon it has ({@code has_more} false, as the rest is not final
     * yet): the later events come with a later read, none is skipped.
     */
    public FeedPage read(Long after, Long boardId, int limit) {
        long ws = CurrentRequest.get().workspaceId();
        long deadline = System.nanoTime() + LATEST_WAIT.toNanos();
        FeedHorizon.Look look = horizon.look();
        if (after != null && after > look.drawn()) {
            // a cursor this feed never handed out (a made-up one, or one from before a restore): following
            // it would wait for ids far ahead and miss every event in between
            throw ApiException.invalid(
                    "after",
                    "lies beyond the feed's end (" + look.drawn() + "); resume from a cursor the feed answered,"
                            + " or from after=latest");
        }
        while (true) {
            long through = look.through();
            long upTo = Math.max(through, look.drawn());
            // on the read replica only when it has replayed everything committed up to now
            Page page = replica.readCaughtUp(() -> {
                // in the page's own transaction: a board the workspace does not know is a 404
                if (boardId != null && !repo.knowsBoard(ws, boardId)) {
                    throw ApiException.notFound("board", boardId);
                }
                long from = after == null ? repo.purgedThrough().orElse(0L) : requireRetained(after);
                return Page.of(repo.workspaceEvents(ws, from, upTo, boardId, limit + 1), from, through, limit);
            });
            if (page.committedBeyond() == 0 || System.nanoTime() >= deadline) {
                return page.feed();
            }
            awaitHorizon(through, page.committedBeyond(), deadline);
            look = horizon.look();
        }
    }

    /**
     * A page up to the horizon, and the last event read beyond it when the page has room for it
     * ({@code committedBeyond}, 0 if none): committed, but not final in id order yet.
     */
    private record Page(FeedPage feed, long committedBeyond) {

        static Page of(List<ChangeEvent> rows, long from, long through, int limit) {
            List<ChangeEvent> settled =
                    rows.stream().filter(e -> e.eventId() <= through).toList();
            boolean more = settled.size() > limit;
            List<ChangeEvent> items = more ? List.copyOf(settled.subList(0, limit)) : settled;
            long next = more ? items.getLast().eventId() : Math.max(from, through);
            long beyond = !more && settled.size() < rows.size() ? rows.getLast().eventId() : 0;
            return new Page(new FeedPage(items, next, more), beyond);
        }
    }

    /**
     * No events, and the cursor of the feed's end now: following it from here misses nothing that commits
     * later. The horizon can only be moved past an id once every transaction that might still hold a
     * lower one has ended, so a writer running somewhere in the database holds it back; this waits up to
     * {@link #LATEST_WAIT} for the horizon to reach every id drawn before the call (under concurrent
     * writes that takes milliseconds), so that a reader starting here is not handed again the events it
     * has just seen committed. Past that, it answers the horizon it has: at worst a reader sees some of
     * those events again, never misses one.
     */
    public FeedPage latest() {
        FeedHorizon.Look look = horizon.look();
        long through = awaitHorizon(look.through(), look.drawn(), System.nanoTime() + LATEST_WAIT.toNanos());
        return new FeedPage(List.of(), through, false);
    }

    /**
     * Looks again and again, pausing 1, 2, 4 … 50 ms, until the horizon (last seen: {@code through})
     * reaches {@code id} or the deadline ({@link System#nanoTime()}) passes. Answers the last horizon seen.
     */
    private long awaitHorizon(long through, long id, long deadline) {
        long pauseMillis = 1;
        while (through < id && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(pauseMillis).toNanos());
            pauseMillis = Math.min(pauseMillis * 2, 50);
            through = horizon.advance();
        }
        return through;
    }

    /**
     * One board's events of the request workspace after {@code after} up to {@code through} (at most
     * {@code limit}), in order: what a live subscriber missed. 410 if retention deleted some of them.
     */
    public List<ChangeEvent> boardEvents(long boardId, long after, long through, int limit) {
        long ws = CurrentRequest.get().workspaceId();
        return replica.readCaughtUp(() -> repo.workspaceEvents(ws, requireRetained(after), through, boardId, limit));
    }

    /**
     * System work only, never for a request: every workspace's events after {@code after}, up to the
     * horizon, at most {@code limit}, in id order, as a span: every final event up to its end is in it.
     */
    public ChangeStream.Span span(long after, int limit) {
        long through = horizon.advance();
        List<ChangeEvent> events = system.read(() -> repo.allEvents(after, through, limit));
        return new ChangeStream.Span(
                after,
                events.size() < limit
                        ? Math.max(after, through)
                        : events.getLast().eventId(),
                events);
    }

    /** A durable follower's persisted position in the outbox (one row, whose lock serialises instances). */
    public interface DurableCursor {

        /** The position; {@code lock} takes the row's lock for the rest of the transaction. */
        long position(boolean lock);

        void moveTo(long position);

        static DurableCursor of(ToLongFunction<Boolean> position, LongConsumer moveTo) {
            return new DurableCursor() {
                @Override
                public long position(boolean lock) {
                    return position.applyAsLong(lock);
                }

                @Override
                public void moveTo(long to) {
                    moveTo.accept(to);
                }
            };
        }
    }

    /**
     * System work only: hands every committed event after the follower's cursor to {@code handle}, a
     * batch at a time in id order. Each batch is handled in one system transaction that holds the
     * cursor's lock and moves the cursor past the batch, so the handling and the cursor commit together
     * and instances take turns (a batch another instance handled meanwhile is not handled again). When
     * the outbox was reset (a restore, tests) the cursor starts over from 0. Answers the sum of what
     * {@code handle} answered.
     *
     * <p>What the dispatcher handed the follower ({@code span}, from {@link ChangeStream.Handed#take()}) is used instead of reading the outbox when it
     * continues the cursor (checked under the cursor's lock): then a batch costs the follower its one
     * transaction (issue #19: every follower read the outbox's end, the horizon and the events again
     * for each dispatcher round). Otherwise, and when nothing was handed (a poll), the outbox is read.
     */
    public int followDurably(
            DurableCursor cursor, ChangeStream.Span span, int batch, ToIntFunction<List<ChangeEvent>> handle) {
        if (span != null && span.events().isEmpty()) {
            return 0; // the outbox moved on without events: nothing to handle, nothing to read
        }
        if (span != null) {
            Integer handledHere = system.write(() -> {
                long position = cursor.position(true);
                if (!span.continues(position)) {
                    return null;
                }
                List<ChangeEvent> events = span.after(position);
                int n = events.isEmpty() ? 0 : handle.applyAsInt(events);
                if (span.through() > position) {
                    cursor.moveTo(span.through());
                }
                return n;
            });
            if (handledHere != null) {
                return handledHere;
            }
        }
        return followDurably(cursor, batch, handle);
    }

    /**
     * System work only: as {@link #followDurably(DurableCursor, ChangeStream.Span, int, ToIntFunction)},
     * always reading the outbox.
     */
    public int followDurably(DurableCursor cursor, int batch, ToIntFunction<List<ChangeEvent>> handle) {
        int total = 0;
        while (true) {
            long position = system.read(() -> cursor.position(false));
            if (position > 0 && beyondOutbox(position)) {
                system.write(() -> {
                    if (cursor.position(true) == position) {
                        cursor.moveTo(0);
                    }
                    return null;
                });
                continue;
            }
            ChangeStream.Span read = span(position, batch);
            if (read.events().isEmpty()) {
                return total;
            }
            Integer handled = system.write(() -> {
                if (cursor.position(true) != position) {
                    return null; // another instance handled these meanwhile
                }
                int n = handle.applyAsInt(read.events());
                // past the span: to the horizon when that was all there is, where the dispatcher's next
                // span starts
                cursor.moveTo(read.through());
                return n;
            });
            total += handled == null ? 0 : handled;
            if (read.events().size() < batch) {
                return total;
            }
        }
    }

    /**
     * Whether a cursor lies beyond every id the outbox has ever drawn: the outbox was reset (a
     * restore, or tests truncating it), and a follower must start again from the beginning.
     */
    public boolean beyondOutbox(long cursor) {
        return cursor > end();
    }

    /**
     * The feed's end: the highest id drawn from the outbox sequence so far (committed or not), read from
     * the database, so every instance answers the same. A cursor above it was never handed out by the feed
     * (made up, or kept from before a restore); one at or below it is valid.
     */
    public long end() {
        return horizon.drawn();
    }

    /** The id up to which the outbox is final now. */
    public long horizon() {
        return horizon.advance();
    }

    private long requireRetained(long after) {
        Optional<Long> purged = repo.purgedThrough();
        if (purged.isPresent() && after < purged.get()) {
            throw new ApiException(
                    HttpStatus.GONE,
                    "cursor-expired",
                    "Gone",
                    "events up to id " + purged.get()
                            + " were deleted by the retention policy, so the events after cursor "
                            + after + " are no longer complete; reload the current state and resume from cursor "
                            + purged.get() + " (or omit 'after' to start at the oldest retained event)",
                    Map.of("oldest_cursor", purged.get()));
        }
        return after;
    }
}
