package dev.agentkanban.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Requests waiting for a pooled connection when the database goes away. {@link DatabaseOutageFilter}
 * refuses the requests that arrive during an outage at once, but a request that passed it just before
 * the monitor noticed (it looks once a second) waited in the pool for a connection that would not come:
 * the pool's whole acquire timeout ({@code DB_POOL_TIMEOUT_MS}, 30 s) before its 503. When the monitor
 * notices the outage it releases them ({@link #releaseAll()}): each gets the same 503 at once.
 *
 * <p>Only the requests that passed the outage filter are released; the service's background loops wait
 * and retry as before. A waiter is released by interrupting its thread while it waits (the pool answers
 * an interrupt with an exception). The thread clears its interrupt flag under the waiter's lock, after
 * which no release reaches it, so no interrupt leaks into the rest of the request.
 */
final class ConnectionWaiters {

    /** Set while this thread serves a request the outage filter let through. */
    private static final ThreadLocal<Boolean> REQUEST = new ThreadLocal<>();

    /** Asks the pool for a connection. */
    @FunctionalInterface
    interface Pool {
        Connection get() throws SQLException;
    }

    private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();
    private final BooleanSupplier down;

    ConnectionWaiters(BooleanSupplier down) {
        this.down = down;
    }

    /** Marks this thread as serving a request until {@link #requestServed(boolean)}; returns the previous mark. */
    static boolean servingRequest() {
        boolean previous = REQUEST.get() != null;
        REQUEST.set(Boolean.TRUE);
        return previous;
    }

    static void requestServed(boolean previous) {
        if (!previous) {
            REQUEST.remove();
        }
    }

    /**
     * A connection from {@code pool}; for a request, a 503-mapped {@link SQLTransientConnectionException}
     * instead when the database is down or goes down while the request waits.
     */
    Connection acquire(Pool pool) throws SQLException {
        if (REQUEST.get() == null) {
            return pool.get();
        }
        Waiter waiter = new Waiter(Thread.currentThread());
        waiting.add(waiter);
        Connection connection = null;
        Exception failure = null;
        try {
            // registered before looking: an outage noticed from now on releases this waiter
            if (!down.getAsBoolean()) {
                connection = pool.get();
            }
        } catch (SQLException | RuntimeException e) {
            failure = e;
        } finally {
            waiting.remove(waiter);
        }
        boolean released = !waiter.finish();
        if (released || (connection == null && failure == null)) {
            SQLTransientConnectionException unavailable =
                    new SQLTransientConnectionException("the database is not reachable right now", "08001", failure);
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    unavailable.addSuppressed(e);
                }
            }
            throw unavailable;
        }
        if (failure instanceof SQLException sql) {
            throw sql;
        }
        if (failure != null) {
            throw (RuntimeException) failure;
        }
        return connection;
    }

    /** Releases every request waiting for a connection now: the database went away. */
    void releaseAll() {
        for (Waiter w : waiting) {
            w.release();
        }
    }

    /** Requests waiting right now (for tests). */
    int waiting() {
        return waiting.size();
    }

    private static final class Waiter {

        private final Thread thread;
        private boolean finished; // guarded by this
        private boolean released; // guarded by this

        Waiter(Thread thread) {
            this.thread = thread;
        }

        synchronized void release() {
            if (!finished && !released) {
                released = true;
                thread.interrupt();
            }
        }

        /** Ends the wait; false when it was released, whose interrupt is then cleared. */
        synchronized boolean finish() {
            finished = true;
            if (released) {
                Thread.interrupted();
            }
            return !released;
        }
    }
}
