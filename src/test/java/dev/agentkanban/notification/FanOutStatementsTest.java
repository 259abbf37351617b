package dev.agentkanban.notification;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.RoundTrips;
import dev.agentkanban.task.TaskFixtures;
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

    TaskFixtures fx;

    @Test
    void aBatchReadsWhatItNeedsOnceForAllItsEvents() {
        fx = new TaskFixtures(http);
        long[] board = fx.board("Nobody watches");
        fanOut.fanOut();

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
        assertThat(fiveMoves).hasSizeLessThanOrEqualTo(17);
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
        List<String> trips = new ArrayList<>(RoundTrips.ofWork(fanOut::fanOut));
        System.out.println("fan-out round trips: " + trips.size() + " " + trips);
        return trips;
    }
}
