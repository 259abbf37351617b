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
 * below {@code X}. Once a snapshot's {@code xmin} (the oldest xid still running) reaches {@code X},
 * all of those transactions have ended, and every id at or below {@code L} is final. Each {@link #advance()} records such a
 * candidate pair and confirms the earlier ones its snapshot allows. A long-running writer holds the
 * horizon back (that is the price of strict id order), it never lets a reader skip its events.
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
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Candidate> pending = new ArrayDeque<>();
    private long confirmed;

    FeedHorizon(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Takes a new look at the database and returns the horizon. */
    long advance() {
        lock.lock();
        try {
            // Two statements, in this order: the sequence first, then the next xid and the oldest running one.
            long drawn = drawn();
            // The next xid to be assigned, without assigning one: age(x) counts from it for a
            // transaction that has no xid. (A snapshot's xmax is not it: it is one past the latest
            // *completed* xid, and a running transaction may hold an xid above it.)
            long[] snapshot = jdbc.sql("""
                    select pg_snapshot_xmin(s)::text::bigint,
                           pg_snapshot_xmin(s)::text::bigint + age(xid(pg_snapshot_xmin(s)))
                    from pg_current_snapshot() s
                    """)
                    .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                    .single();
            long xmin = snapshot[0];
            long nextXid = snapshot[1];
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
            while (!pending.isEmpty() && pending.peekFirst().nextXid() <= xmin) {
                confirmed = Math.max(confirmed, pending.pollFirst().drawn());
            }
            return confirmed;
        } finally {
            lock.unlock();
        }
    }

    /** The highest id drawn from the outbox sequence so far (committed or not). */
    long drawn() {
        return jdbc.sql("select case when is_called then last_value else last_value - 1 end from outbox_events_id_seq")
                .query(Long.class).single();
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
