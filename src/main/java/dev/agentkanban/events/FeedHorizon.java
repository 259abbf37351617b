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

    /**
     * The oldest xid still running in this database (64-bit), and the next xid to be assigned. The
     * next xid is read without assigning one: age(x) counts from it for a transaction that has no xid
     * (a snapshot's xmax is not it: it is one past the latest <em>completed</em> xid, and a running
     * transaction may hold an xid above it); all age() calls of one statement count from the same
     * value. With no xid running here, the oldest is the next one.
     */
    private static final String RUNNING = """
            with snap as (select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as xmin),
                 ids as (select xmin, xmin + age(xid(xmin::text::xid8)) as next_xid from snap),
                 here as (select oid from pg_database where datname = current_database()),
                 running as (
                     select age(backend_xid) as age from pg_stat_activity
                     where datid = (select oid from here) and backend_xid is not null
                     union all
                     select age(transaction) from pg_prepared_xacts where database = current_database()),
                 hidden as (
                     select not pg_has_role('pg_read_all_stats', 'USAGE') and exists (
                         select 1 from pg_stat_activity where datid = (select oid from here)
                         and usesysid is not null and not pg_has_role(usesysid, 'USAGE')) as unseen)
            select case when (select unseen from hidden) then xmin
                        else next_xid - coalesce((select max(age) from running), 0) end,
                   next_xid
            from ids
            """;

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
            long[] snapshot = jdbc.sql(RUNNING)
                    .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                    .single();
            long oldestRunning = snapshot[0];
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
            while (!pending.isEmpty() && pending.peekFirst().nextXid() <= oldestRunning) {
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
