package dev.agentkanban.events;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The highest outbox id up to which the outbox is final: every id at or below it is either visible
 * (committed) or will never appear (rolled back). Readers hand out events in id order up to this
 * horizon and use the last id as their cursor, so a reader that follows the cursor never misses an
 * event and never sees one twice, even when transactions commit out of id order.
 *
 * <p>Why not {@code id > last_id}: transaction T1 draws id 5, T2 draws id 6 and commits first; a
 * reader that saw 6 and moved its cursor to 6 would skip 5 when T1 commits. Filtering on the row's
 * {@code tx_id < pg_snapshot_xmin(...)} is not enough either, because xid order is not id order: T2
 * may have got its xid (by an earlier write) before T1 did, so row 6 passes the filter while row 5 is
 * still in flight.
 *
 * <p>How: the outbox id default takes the transaction's xid before it draws from the sequence
 * (V6__live.sql). So if we read the sequence's last drawn value {@code L}, and after that the next
 * xid to be assigned, {@code X}, every transaction holding an id at or below {@code L} has an xid
 * below {@code X}. Once the oldest xid still running <em>in this database</em> reaches {@code X}, all
 * of those transactions have ended, and every id at or below {@code L} is final. Each {@link #advance()}
 * records such a candidate pair and confirms the earlier ones the running transactions allow. A
 * long-running writer holds the horizon back (that is the price of strict id order), it never lets a
 * reader skip its events.
 *
 * <p>Only this database's transactions count: xids are cluster-wide, and a snapshot's {@code xmin}
 * waits for every transaction on the server, so a long transaction in another database (a worker's, a
 * report's, another application's) would stall live delivery for as long as it runs, although it can
 * never write this outbox. The running xids come from {@code pg_stat_activity} (and
 * {@code pg_prepared_xacts}); when the role cannot see every session of this database (another role's
 * sessions, without {@code pg_read_all_stats}) it falls back to the snapshot's {@code xmin}.
 *
 * <p>This reads only a sequence and the snapshot, no tenant data, with the pool's own connection. Each
 * instance keeps its own horizon; every instance's value is a proven lower bound, so they agree on
 * what they hand out and differ only in how soon.
 */
@Component
class FeedHorizon {

    private static final int MAX_PENDING = 64;

    private record Candidate(long drawn, long nextXid) {}

    private final JdbcClient jdbc;
    private final EventRepository events;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Candidate> pending = new ArrayDeque<>();
    private long confirmed;

    FeedHorizon(JdbcClient jdbc, EventRepository events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /**
     * Takes a new look at the database and returns the horizon. The look is one call of
     * {@code outbox_look()} (V67), which reads, in this order, the sequence's last drawn id, then the
     * next xid and the oldest xid still running in this database (64-bit). The next xid is read without
     * assigning one: age(x) counts from it for a transaction that has no xid (a snapshot's xmax is not
     * it: it is one past the latest <em>completed</em> xid, and a running transaction may hold an xid
     * above it). With no xid running here, the oldest is the next one.
     */
    long advance() {
        return look().through();
    }

    /**
     * What one look found: the horizon it proves ({@code through}) and the highest id drawn before it
     * ({@code drawn}). Ids between the two belong to transactions that were running or had just ended;
     * a later look moves the horizon past them once every transaction that might hold a lower id ended.
     */
    record Look(long through, long drawn) {}

    /** As {@link #advance()}, and the highest id drawn before the look. */
    Look look() {
        lock.lock();
        try {
            long[] look = jdbc.sql("select drawn, oldest_running, next_xid from outbox_look()")
                    .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})
                    .single();
            return new Look(record(look[0], look[1], look[2], 0), look[0]);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The dispatcher's round in one call and one commit (issue #19: it was three transactions): a new
     * look, as {@link #advance()}, and every workspace's events after {@code after} up to the horizon it
     * proves, at most {@code limit}, in id order ({@code outbox_round}, V67: the events are read after
     * the look, in a snapshot of their own). {@link EventRepository.Round#through()} is that horizon.
     */
    EventRepository.Round round(long after, int limit) {
        lock.lock();
        try {
            Long[] drawn = pending.stream().map(Candidate::drawn).toArray(Long[]::new);
            Long[] next = pending.stream().map(Candidate::nextXid).toArray(Long[]::new);
            EventRepository.Round round = events.round(after, limit, confirmed, drawn, next);
            record(round.drawn(), round.oldestRunning(), round.nextXid(), round.through());
            return round;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a look (the drawn id, then the oldest running and the next xid read after it) and a
     * horizon proven elsewhere from the same look ({@code proven}, 0 if none), confirms the candidates
     * the running transactions allow, and returns the horizon. Under the lock.
     */
    private long record(long drawn, long oldestRunning, long nextXid, long proven) {
        if (drawn < confirmed) {
            // The sequence went backwards (a restore, or tests truncating with RESTART IDENTITY):
            // everything in the table now is new.
            confirmed = 0;
            pending.clear();
        }
        Candidate last = pending.peekLast();
        if (drawn > confirmed && (last == null || drawn > last.drawn())) {
            if (pending.size() >= MAX_PENDING) {
                // Behind a long transaction: the newest candidate covers the one it replaces, later.
                pending.pollLast();
            }
            pending.addLast(new Candidate(drawn, nextXid));
        }
        confirmed = Math.max(confirmed, proven);
        while (!pending.isEmpty()
                && (pending.peekFirst().nextXid() <= oldestRunning
                        || pending.peekFirst().drawn() <= confirmed)) {
            confirmed = Math.max(confirmed, pending.pollFirst().drawn());
        }
        return confirmed;
    }

    /** The highest id drawn from the outbox sequence so far (committed or not). */
    long drawn() {
        return jdbc.sql("select case when is_called then last_value else last_value - 1 end from outbox_events_id_seq")
                .query(Long.class)
                .single();
    }

    /** Whether ids beyond the horizon are known to exist (a look soon after will likely move it). */
    boolean behind() {
        lock.lock();
        try {
            return !pending.isEmpty();
        } finally {
            lock.unlock();
        }
    }
}
