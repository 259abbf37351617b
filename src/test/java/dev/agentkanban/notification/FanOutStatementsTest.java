package dev.agentkanban.notification;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.events.ChangeEvent;
import dev.agentkanban.events.ChangeFeed;
import dev.agentkanban.events.ChangeStream;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.RoundTrips;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * What the notification fan-out asks the database for a batch of writes (issue #19), counted on the
 * service's pool and driver ({@link RoundTrips}): the batch's actors, new assignments and watchers are
 * read once for the whole batch, so on tasks nobody watches a move costs the fan-out no statement and a
 * create one (its creator watches it from then on). The loops are kept idle (no LISTEN, hour-long
 * polls) and the test runs the fan-out itself, so that each batch holds exactly the writes made.
 * Counts, not timings: a statement per event brought back fails here.
 */
@Import(RoundTrips.class)
@TestPropertySource(
        properties = {
            "kanban.events.listen=false",
            "kanban.events.poll-interval=PT1H",
            "kanban.notifications.poll-interval=PT1H",
            "kanban.reminders.enabled=false"
        })
class FanOutStatementsTest extends ApiTest {

    @Autowired
    NotificationFanOut fanOut;

    @Autowired
    ChangeFeed feed;

    TaskFixtures fx;

    @Test
    void aBatchReadsWhatItNeedsOnceForAllItsEvents() {
        fx = new TaskFixtures(http);
        long[] board = fx.board("Nobody watches");
        fanOut.fanOut(null);

        List<String> fiveCreates = creates(board, 5);
        List<String> fifteenCreates = creates(board, 15);
        assertThat(fifteenCreates.size() - fiveCreates.size())
                .as(
                        "statements for ten more creates: one each, the creator's watch\n%s\n%s",
                        fiveCreates, fifteenCreates)
                .isEqualTo(10);

        // nobody watches the tasks any more
        jdbc.sql("delete from task_watchers").update();
        List<Long> tasks = fx.order(board[1]);
        List<String> fiveMoves = moves(tasks.subList(0, 5), board[2]);
        List<String> twentyMoves = moves(tasks.subList(5, 20), board[2]);
        assertThat(twentyMoves)
                .as("fifteen more moves of tasks nobody watches: no statement more\n%s", fiveMoves)
                .hasSameSizeAs(fiveMoves);
        // the batch's own: its cursor read, the outbox's end, horizon and events, and one transaction that
        // locks the cursor, reads the actors, assignments and watchers once and moves the cursor
        assertThat(fiveMoves).hasSizeLessThanOrEqualTo(16);
    }

    /**
     * A batch the dispatcher handed (its span continues the fan-out's cursor) is not read again: the
     * fan-out's one transaction is all it asks (issue #19), for five moves as for twenty.
     */
    @Test
    void aHandedBatchCostsTheFanOutOnlyItsTransaction() {
        fx = new TaskFixtures(http);
        long[] board = fx.board("Handed");
        for (int i = 0; i < 25; i++) {
            fx.task(board[0], "task " + i, "column_id", board[1]);
        }
        fanOut.fanOut(null);
        jdbc.sql("delete from task_watchers").update();
        List<Long> tasks = fx.order(board[1]);

        List<String> five = handedMoves(tasks.subList(0, 5), board[2]);
        List<String> twenty = handedMoves(tasks.subList(5, 25), board[2]);
        // its transaction: the system mark, the cursor row made sure of and locked (one statement), the
        // batch's actors, assignments and watchers, the cursor moved, the commit
        assertThat(five).as("five handed moves\n%s", five).hasSizeLessThanOrEqualTo(7);
        assertThat(twenty).as("twenty handed moves\n%s", twenty).hasSameSizeAs(five);
    }

    /**
     * A handed span that starts after the fan-out's cursor would skip the events in between: the
     * fan-out reads the outbox instead, and the creator of the task created in between watches it.
     */
    @Test
    void aHandedBatchThatDoesNotContinueTheCursorIsNotTrusted() {
        fx = new TaskFixtures(http);
        long[] board = fx.board("Gap");
        fanOut.fanOut(null);
        long skipped = fx.task(board[0], "between", "column_id", board[1]);
        long start = lastEvent();
        long handed = fx.task(board[0], "handed", "column_id", board[1]);
        // the outbox's horizon passes the create once no transaction that began before it runs: poll for it
        ChangeStream.Span span = await().atMost(Duration.ofSeconds(30))
                .until(() -> feed.span(start, 500), s -> !s.events().isEmpty());
        assertThat(span.events()).extracting(ChangeEvent::taskId).containsExactly(handed);

        fanOut.fanOut(span);
        assertThat(watched(skipped)).as("the task created before the span").isOne();
        assertThat(watched(handed)).isOne();
        assertThat(cursor()).isGreaterThanOrEqualTo(span.through());
    }

    private List<String> handedMoves(List<Long> tasks, long column) {
        long at = cursor();
        for (long t : tasks) {
            assertThat(http.post("/api/v1/tasks/" + t + "/move", obj("column_id", column))
                            .status())
                    .isEqualTo(200);
        }
        // the outbox's horizon passes the moves once no transaction that began before them runs (another
        // follower's may): wait for it by polling
        ChangeStream.Span span = await().atMost(Duration.ofSeconds(30))
                .until(() -> feed.span(at, 500), s -> s.events().size() == tasks.size());
        List<String> trips = new ArrayList<>(RoundTrips.ofWork(() -> fanOut.fanOut(span)));
        System.out.println("handed fan-out round trips: " + trips.size() + " " + trips);
        assertThat(cursor()).isEqualTo(span.through());
        return trips;
    }

    private long cursor() {
        return jdbc.sql("select coalesce((select position from notification_cursor), 0)")
                .query(Long.class)
                .single();
    }

    private long lastEvent() {
        return jdbc.sql("select max(id) from outbox_events").query(Long.class).single();
    }

    private long watched(long task) {
        return jdbc.sql("select count(*) from task_watchers where task_id = :t")
                .param("t", task)
                .query(Long.class)
                .single();
    }

    private List<String> creates(long[] board, int n) {
        for (int i = 0; i < n; i++) {
            fx.task(board[0], "created " + i, "column_id", board[1]);
        }
        return fanOutCounted();
    }

    private List<String> moves(List<Long> tasks, long column) {
        for (long t : tasks) {
            assertThat(http.post("/api/v1/tasks/" + t + "/move", obj("column_id", column))
                            .status())
                    .isEqualTo(200);
        }
        return fanOutCounted();
    }

    private List<String> fanOutCounted() {
        // nothing handed: the fan-out reads the outbox itself (as after a poll)
        List<String> trips = new ArrayList<>(RoundTrips.ofWork(() -> fanOut.fanOut(null)));
        System.out.println("fan-out round trips: " + trips.size() + " " + trips);
        return trips;
    }
}
