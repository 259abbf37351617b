package dev.agentkanban.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The change feed is gap-free when transactions commit out of id order: two real connections, one
 * holding a lower outbox id open while another commits a higher one.
 */
class FeedOrderTest extends ApiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Autowired
    ChangeFeed feed;

    @Autowired
    ChangeStream stream;

    @Test
    void aLowerIdCommittedAfterAHigherOneIsNeitherSkippedNorReordered() throws Exception {
        FeedReader reader = FeedReader.fromNow(http, "", jdbc);
        try (Connection fast = connect();
                Connection slow = connect()) {
            // The fast transaction gets its xid first, so the naive "tx_id below the snapshot's xmin"
            // rule would hand out its event while the slow one (later xid, lower id) is still open.
            fast.createStatement().execute("select pg_current_xact_id()");
            long slowId = append(slow, "slow");
            long fastId = append(fast, "fast");
            assertThat(slowId).isLessThan(fastId);
            fast.commit();

            List<Long> whileOpen =
                    reader.drain().stream().map(e -> e.get("event_id").asLong()).toList();
            assertThat(whileOpen)
                    .as("nothing at or above an id that may still commit")
                    .isEmpty();
            assertThat(reader.cursor()).isLessThan(slowId);

            slow.commit();
            reader.readUntil(seen -> seen.size() >= 2, WAIT);
            assertThat(reader.seenIds()).containsExactly(slowId, fastId);
        }
    }

    @Test
    void aLongTransactionInAnotherDatabaseDoesNotHoldTheFeedBack() throws Exception {
        FeedReader reader = FeedReader.fromNow(http, "", jdbc);
        TestDatabase db = TestDatabase.get();
        try (Connection elsewhere = DriverManager.getConnection(db.another().jdbcUrl, db.username, db.password);
                Connection c = connect()) {
            // xids are cluster-wide: this one holds back every snapshot's xmin on the server while open
            elsewhere.setAutoCommit(false);
            elsewhere.createStatement().execute("select pg_current_xact_id()");
            long id = append(c, "while another database is busy");
            c.commit();

            reader.readUntil(seen -> !seen.isEmpty(), Duration.ofSeconds(5));

            assertThat(reader.seenIds()).containsExactly(id);
            elsewhere.rollback();
        }
    }

    @Test
    void aRolledBackEventLeavesAGapTheFeedStepsOver() throws Exception {
        FeedReader reader = FeedReader.fromNow(http, "", jdbc);
        try (Connection c = connect()) {
            long lost = append(c, "rolled back");
            c.rollback();
            long kept = append(c, "kept");
            c.commit();

            reader.readUntil(seen -> !seen.isEmpty(), WAIT);

            assertThat(reader.seenIds()).containsExactly(kept).doesNotContain(lost);
        }
    }

    @Test
    void concurrentSlowAndFastWritersAreReadExactlyOnceInIdOrder() throws Exception {
        FeedReader reader = FeedReader.fromNow(http, "", jdbc);
        // read while the writers are busy, so the reader really runs into open transactions
        List<Long> committed = writeConcurrently("w", reader::drain);

        reader.readUntil(seen -> seen.size() >= committed.size(), WAIT);

        List<Long> expected = committed.stream().sorted().toList();
        assertThat(reader.seenIds())
                .as("every committed event exactly once, in id order")
                .containsExactlyElementsOf(expected);
    }

    @Test
    void theDispatcherHandsEveryCommittedEventOnceInIdOrderWhileSlowAndFastWritersRun() throws Exception {
        // the dispatcher's round reads its horizon and the events in one call (outbox_round, V67)
        List<Long> live = Collections.synchronizedList(new ArrayList<>());
        String actor = "live-order-" + System.nanoTime();
        stream.register(
                events -> events.stream().filter(e -> e.actor().equals(actor)).forEach(e -> live.add(e.eventId())));

        List<Long> committed = writeConcurrently(actor, Thread::onSpinWait);
        long last = committed.stream().mapToLong(Long::longValue).max().orElseThrow();

        // delivered in id order: once the last one arrived, every earlier one has
        await().atMost(WAIT).until(() -> live.contains(last));

        assertThat(List.copyOf(live))
                .as("every committed event exactly once, in id order")
                .containsExactlyElementsOf(committed.stream().sorted().toList());
    }

    /**
     * Six writers append 15 events each as {@code actor}, each in a transaction of random length, and
     * roll one in five back; {@code whileBusy} runs again and again until they are done. Answers the
     * ids committed.
     */
    private List<Long> writeConcurrently(String actor, Runnable whileBusy) throws Exception {
        int writers = 6;
        int perWriter = 15;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Long> committed = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            done.add(pool.submit(() -> {
                try (Connection c = connect()) {
                    for (int i = 0; i < perWriter; i++) {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        long id = append(c, actor);
                        Thread.sleep(random.nextInt(0, 15)); // a transaction of random length
                        if (random.nextInt(5) == 0) {
                            c.rollback();
                        } else {
                            c.commit();
                            committed.add(id);
                        }
                    }
                }
                return null;
            }));
        }
        while (done.stream().anyMatch(f -> !f.isDone())) {
            whileBusy.run();
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return List.copyOf(committed);
    }

    @Test
    void latestWaitsForTheWritersThatHoldTheHorizonBackInsteadOfHandingOutWhatCommittedBefore() throws Exception {
        try (Connection running = connect();
                Connection c = connect()) {
            // a writer with an older xid still running: until it ends, ids drawn after it are not final
            running.createStatement().execute("select pg_current_xact_id()");
            long committedBefore = append(c, "committed before the call");
            c.commit();

            AtomicLong cursor = new AtomicLong(-1);
            Thread caller = new Thread(() -> cursor.set(feed.latest().nextCursor()));
            caller.start();
            // the call has looked at the horizon and is waiting for the writer (or has already answered)
            while (caller.isAlive() && caller.getState() != Thread.State.TIMED_WAITING) {
                Thread.onSpinWait();
            }
            running.commit();
            caller.join(WAIT.toMillis());

            assertThat(cursor.get())
                    .as("the cursor of the feed's end, past the event that committed before the call")
                    .isGreaterThanOrEqualTo(committedBefore);
        }
    }

    @Test
    void aReadHandsOutAnEventThatCommittedBeforeItWhileALowerIdIsStillOpen() throws Exception {
        long start = feed.horizon();
        try (Connection running = connect();
                Connection c = connect()) {
            // a writer holding a lower id still running: the horizon stays below it until it ends
            long open = append(running, "still running");
            long committedBefore = append(c, "committed before the read");
            c.commit();
            assertThat(open).isLessThan(committedBefore);

            AtomicReference<FeedPage> page = new AtomicReference<>();
            RequestContext reader = new RequestContext(defaultWorkspace, "reader", Role.ADMIN);
            Thread caller = new Thread(() -> page.set(CurrentRequest.runAs(reader, () -> feed.read(start, null, 50))));
            caller.start();
            // the read has seen the committed event beyond the horizon and waits (or has already answered)
            while (caller.isAlive() && caller.getState() != Thread.State.TIMED_WAITING) {
                Thread.onSpinWait();
            }
            running.commit();
            caller.join(WAIT.toMillis());

            assertThat(page.get().items().stream().map(ChangeEvent::eventId))
                    .as("the reader's own committed write, with the one that ended while it waited")
                    .containsExactly(open, committedBefore);
        }
    }

    private long append(Connection c, String actor) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                insert into outbox_events (workspace_id, type, actor, payload)
                values (?, 'task_updated', ?, '{}') returning id
                """)) {
            s.setLong(1, defaultWorkspace);
            s.setString(2, actor);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Connection connect() throws SQLException {
        TestDatabase db = TestDatabase.get();
        Connection c = DriverManager.getConnection(db.jdbcUrl, db.username, db.password);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("set application_name = 'feed-order-test'");
        }
        return c;
    }
}
