package dev.agentkanban.analytics;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.agentkanban.analytics.History.Board;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Seed 002's statistics on a constructed board (Backlog, To Do, Doing, Blocked, Done), times relative to
 * the test's start:
 * <pre>
 * P1 created -20 d To Do; -10 d Doing; -5 d Done, completed      lead 15 d, cycle 5 d
 * P2 created -40 d To Do; -4 d Doing; -2 d Done, completed       lead 38 d, cycle 2 d
 * P3 created -10 d To Do, open
 * P4 created -50 d To Do; -45 d Done, completed (previous window)
 * P5 created -3 d To Do; -1 d Blocked, open
 * Q1, Q2, Q3 created -2000 s To Do; in Doing since -100, -100, -400 s
 * </pre>
 */
class SeedStatisticsTest extends ApiTest {

    private static final Duration DAY = Duration.ofDays(1);

    private Board b;
    private long p1;
    private long p2;
    private long q1;
    private long q3;
    private final Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private Instant ago(Duration d) {
        return base.minus(d);
    }

    private Instant daysAgo(int n) {
        return ago(DAY.multipliedBy(n));
    }

    @BeforeAll
    void history() {
        History h = new History(jdbc, http);
        b = h.board(
                "Seed",
                "Backlog",
                "backlog",
                "To Do",
                "todo",
                "Doing",
                "in_progress",
                "Blocked",
                "blocked",
                "Done",
                "done");
        long td = b.col(1), doing = b.col(2), blocked = b.col(3), done = b.col(4);

        p1 = h.task(b, done, "completed", daysAgo(20), daysAgo(5), null);
        h.created(p1, b, td, daysAgo(20));
        h.moved(p1, b, td, doing, daysAgo(10));
        h.moved(p1, b, doing, done, daysAgo(5));
        h.status(p1, b, "in_progress", "completed", done, daysAgo(5));

        p2 = h.task(b, done, "completed", daysAgo(40), daysAgo(2), null);
        h.created(p2, b, td, daysAgo(40));
        h.moved(p2, b, td, doing, daysAgo(4));
        h.moved(p2, b, doing, done, daysAgo(2));
        h.status(p2, b, "in_progress", "completed", done, daysAgo(2));

        long p3 = h.task(b, td, "pending", daysAgo(10), null, null);
        h.created(p3, b, td, daysAgo(10));

        long p4 = h.task(b, done, "completed", daysAgo(50), daysAgo(45), null);
        h.created(p4, b, td, daysAgo(50));
        h.moved(p4, b, td, done, daysAgo(45));
        h.status(p4, b, "pending", "completed", done, daysAgo(45));

        long p5 = h.task(b, blocked, "pending", daysAgo(3), null, null);
        h.created(p5, b, td, daysAgo(3));
        h.moved(p5, b, td, blocked, daysAgo(1));

        long[] q = new long[3];
        int[] since = {100, 100, 400};
        for (int i = 0; i < 3; i++) {
            q[i] = h.task(b, doing, "in_progress", ago(Duration.ofSeconds(2000)), null, null);
            h.created(q[i], b, td, ago(Duration.ofSeconds(2000)));
            h.moved(q[i], b, td, doing, ago(Duration.ofSeconds(since[i])));
            h.entered(q[i], ago(Duration.ofSeconds(since[i])));
        }
        q1 = q[0];
        q3 = q[2];
    }

    @Test
    void performanceOverThirtyDays() {
        Response r = http.get("/api/v1/statistics/boards/" + b.id() + "/performance?days=30");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode p = r.json();
        assertThat(p.get("days").asInt()).isEqualTo(30);
        assertThat(p.get("created").asLong()).isEqualTo(6); // P1, P3, P5, Q1..Q3
        assertThat(p.get("completed").asLong()).isEqualTo(2); // P1, P2
        assertThat(p.get("completion_rate").asDouble()).isEqualTo(16.7); // P1 of 6
        assertThat(p.get("throughput_per_day").asDouble()).isEqualTo(0.07); // 2 / 30
        assertThat(p.get("average_completion_seconds").asDouble()).isCloseTo(26.5 * 86_400, within(0.001));
        assertThat(p.get("average_cycle_seconds").asDouble()).isCloseTo(3.5 * 86_400, within(0.001));
        assertThat(p.get("backlog_size").asLong()).isEqualTo(1); // P3
        assertThat(p.get("blocked_count").asLong()).isEqualTo(1); // P5
        JsonNode v = p.get("velocity");
        assertThat(v.get("previous_completed").asLong()).isEqualTo(1); // P4
        assertThat(v.get("change_percent").asDouble()).isEqualTo(100.0);
        assertThat(v.get("trend").asString()).isEqualTo("up");
        // the /analytics path is the same implementation
        assertThat(http.get("/api/v1/analytics/boards/" + b.id() + "/performance?days=30")
                        .json()
                        .get("created")
                        .asLong())
                .isEqualTo(6);
    }

    @Test
    void velocityTrendThresholds() {
        assertThat(FlowMetrics.velocity(12, 10).trend()).isEqualTo("steady"); // +20 % is not above 20 %
        assertThat(FlowMetrics.velocity(13, 10).trend()).isEqualTo("up");
        assertThat(FlowMetrics.velocity(8, 10).trend()).isEqualTo("steady");
        assertThat(FlowMetrics.velocity(7, 10).trend()).isEqualTo("down");
        assertThat(FlowMetrics.velocity(0, 0).trend()).isEqualTo("steady");
        assertThat(FlowMetrics.velocity(0, 0).changePercent()).isNull();
    }

    @Test
    void taskStatisticsPlaceATaskInItsColumn() {
        // Doing holds 100, 100 and 400 s (+ drift): mean 200, sample stdev sqrt(60000 / 2) = 173.2; Q3 has z = 1.155
        Response r = http.get("/api/v1/tasks/" + q3 + "/statistics");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode s = r.json();
        assertThat(s.get("transitions").asInt()).isEqualTo(1);
        assertThat(s.get("age_seconds").asDouble()).isBetween(2000.0, 2600.0);
        JsonNode cur = s.get("current");
        assertThat(cur.get("column").asString()).isEqualTo("Doing");
        assertThat(cur.get("z_score").asDouble()).isCloseTo(200 / Math.sqrt(30_000), within(0.001));
        assertThat(cur.get("percentile").asDouble()).isEqualTo(100.0);
        assertThat(cur.get("status_color").asString()).isEqualTo("warning");
        JsonNode times = s.get("time_in_columns");
        assertThat(times.findValuesAsString("column")).containsExactly("To Do", "Doing");
        assertThat(times.get(0).get("seconds").asDouble()).isEqualTo(1600.0);
        assertThat(times.get(1).get("seconds").asDouble()).isBetween(400.0, 1000.0);

        JsonNode first = http.get("/api/v1/statistics/tickets/" + q1 + "/statistics")
                .json()
                .get("current");
        assertThat(first.get("percentile").asDouble()).isEqualTo(0.0);
        assertThat(first.get("status_color").asString()).isEqualTo("good");
        assertThat(http.get("/api/v1/tasks/987654/statistics").status()).isEqualTo(404);
    }

    @Test
    void coloursClassifyEveryTask() {
        Response r = http.get("/api/v1/statistics/boards/" + b.id() + "/tickets/colors?limit=3");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode c = r.json();
        // good: P3 (alone in To Do), Q1, Q2, P5 (alone in Blocked); warning: Q3; normal: P1, P2, P4 in Done
        assertThat(c.get("counts").get("good").asLong()).isEqualTo(4);
        assertThat(c.get("counts").get("warning").asLong()).isEqualTo(1);
        assertThat(c.get("counts").get("critical").asLong()).isZero();
        assertThat(c.get("counts").get("normal").asLong()).isEqualTo(3);
        assertThat(c.get("total").asLong()).isEqualTo(8);
        assertThat(c.get("items")).hasSize(3);
        assertThat(c.get("items").findValuesAsString("column")).containsExactly("To Do", "Doing", "Doing");
        assertThat(c.get("items").get(1).get("task_id").asLong()).isEqualTo(q3); // longest waiting in Doing first
    }

    @Test
    void dragDropMetricsCountMovesOnTheBoard() {
        Response r = http.get("/api/v1/statistics/boards/" + b.id() + "/drag-drop/metrics?days=30");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode m = r.json();
        // P1 2, P2 2, P5 1, Q1..Q3 1 each; P4's move is 45 days old
        assertThat(m.get("total_moves").asLong()).isEqualTo(8);
        assertThat(m.get("tasks_moved").asLong()).isEqualTo(6);
        assertThat(m.get("average_moves_per_task").asDouble()).isEqualTo(1.33);
        assertThat(m.get("moves_per_day")).hasSize(30);
        assertThat(m.get("moves_per_day").findValues("moves").stream()
                        .mapToLong(JsonNode::asLong)
                        .sum())
                .isEqualTo(8);
        assertThat(m.get("by_user").get(0).get("actor").asString()).isEqualTo("tester");
        assertThat(m.get("by_user").get(0).get("moves").asLong()).isEqualTo(8);
        assertThat(m.get("most_moved").findValues("task_id").stream()
                        .map(JsonNode::asLong)
                        .toList()
                        .subList(0, 2))
                .containsExactly(p1, p2);
        assertThat(http.get("/api/v1/boards/" + b.id() + "/drag-drop/metrics?days=0")
                        .status())
                .isEqualTo(422);
    }

    @Test
    void everySeedTableDownloadsAsCsvWithTheJsonsNumbers() {
        String stats = "/api/v1/statistics/boards/" + b.id();
        Downloads perf = downloads(stats + "/performance?days=30&format=csv", null, stats + "/performance?days=30");
        assertThat(perf.csv().status()).as(perf.csv().body()).isEqualTo(200);
        assertThat(perf.csv().header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/csv"));
        JsonNode p = perf.json();
        ((tools.jackson.databind.node.ObjectNode) p).setAll((tools.jackson.databind.node.ObjectNode) p.get("velocity"));
        CsvCheck.sameAsJson(perf.csv().body(), List.of(p), perf.apart(), "since", "until");

        Downloads colors =
                downloads(stats + "/tickets/colors?limit=5&format=csv", null, stats + "/tickets/colors?limit=5");
        CsvCheck.sameAsJson(
                colors.csv().body(), listOf(colors.json().get("items")), colors.apart(), "seconds", "z_score");
        String task = "/api/v1/tasks/" + q3 + "/statistics";
        Downloads times = downloads(task, "text/csv", task);
        CsvCheck.sameAsJson(times.csv().body(), listOf(times.json().get("time_in_columns")), times.apart(), "seconds");

        JsonNode dd = http.get(stats + "/drag-drop/metrics?days=30").json();
        for (String table : List.of("moves_per_day", "by_user", "most_moved")) {
            Response csv = http.get(stats + "/drag-drop/metrics?days=30&format=csv&table=" + table);
            assertThat(csv.status()).as(table + " " + csv.body()).isEqualTo(200);
            CsvCheck.sameAsJson(csv.body(), listOf(dd.get(table)));
        }
        assertThat(http.get(stats + "/drag-drop/metrics?format=csv&table=nonsense")
                        .json()
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("table");
    }

    /** A table's CSV and then its JSON, and the time from sending the first request to receiving the second answer. */
    record Downloads(Response csv, JsonNode json, Duration apart) {}

    Downloads downloads(String csvPath, String accept, String jsonPath) {
        long start = System.nanoTime();
        Response csv = accept == null ? http.get(csvPath) : http.get(csvPath, "Accept", accept);
        JsonNode json = http.get(jsonPath).json();
        return new Downloads(csv, json, Duration.ofNanos(System.nanoTime() - start));
    }

    static List<JsonNode> listOf(JsonNode array) {
        return array.valueStream().toList();
    }

    @Test
    void aTripToTheTrashIsNoColumnTransition() {
        Response board = http.post("/api/v1/boards", obj("name", "Round trip"));
        List<Long> cols = board.json().get("columns").findValues("id").stream()
                .map(JsonNode::asLong)
                .toList();
        long task = http.post("/api/v1/tasks", obj("board_id", board.id(), "column_id", cols.get(1), "title", "t"))
                .id();
        http.post("/api/v1/tasks/" + task + "/move", obj("column_id", cols.get(2)));
        http.post("/api/v1/tasks/" + task + "/move", obj("column_id", cols.get(1)));
        http.post("/api/v1/tasks/" + task + "/move", obj("column_id", cols.get(2)));
        assertThat(http.delete("/api/v1/tasks/" + task).status()).isEqualTo(204);
        assertThat(http.post("/api/v1/tasks/" + task + "/restore", obj()).status())
                .isEqualTo(200);

        JsonNode s = http.get("/api/v1/tasks/" + task + "/statistics").json();

        assertThat(s.get("transitions").asInt()).as(s.toString()).isEqualTo(3); // the moves, as /transitions
        JsonNode times = s.get("time_in_columns");
        assertThat(times.findValuesAsString("column")).containsExactly("To Do", "In Progress");
        assertThat(times.findValues("visits").stream().map(JsonNode::asInt)).containsExactly(2, 2);
    }

    @Test
    void badDaysAreRefused() {
        for (String days : List.of("0", "366", "abc")) {
            Response r = http.get("/api/v1/statistics/boards/" + b.id() + "/performance?days=" + days);
            assertThat(r.status()).as(days).isEqualTo(422);
            assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("days");
        }
        assertThat(http.get("/api/v1/statistics/boards/987654/performance").status())
                .isEqualTo(404);
    }

    @Test
    void bulkOperationsAreRecordedWithTheirItems() {
        Response board = http.post("/api/v1/boards", obj("name", "Bulk"));
        long task = http.post("/api/v1/tasks", obj("board_id", board.id(), "title", "one"))
                .id();
        Response bulk =
                http.post("/api/v1/bulk/tasks/priority", obj("task_ids", List.of(task, 987654), "priority", "high"));
        assertThat(bulk.status()).as(bulk.body()).isEqualTo(200);

        Response r = http.get("/api/v1/bulk/operations/status");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode op = r.json().get("items").get(0);
        assertThat(op.get("operation").asString()).isEqualTo("priority");
        assertThat(op.get("status").asString()).isEqualTo("partial");
        assertThat(op.get("total_requested").asInt()).isEqualTo(2);
        assertThat(op.get("successful").asInt()).isEqualTo(1);
        assertThat(op.get("actor").asString()).isEqualTo("tester");
        assertThat(op.get("results").get(0).get("task_id").asLong()).isEqualTo(task);
        assertThat(op.get("results").get(0).get("success").asBoolean()).isTrue();
        assertThat(op.get("results").get(1).get("success").asBoolean()).isFalse();
        assertThat(op.get("results").get(1).get("error").asString()).isNotBlank();

        assertThat(http.get("/api/v1/bulk/operations/status?operation=move")
                        .json()
                        .get("items"))
                .isEmpty();
        assertThat(http.get("/api/v1/bulk/operations/status?operation=drop").status())
                .isEqualTo(422);
        long other = otherWorkspace("bulk-other");
        Http stranger = clientFor("bulk-stranger", other, Role.VIEWER, "read");
        Response theirs = stranger.get("/api/v1/bulk/operations/status", "X-Workspace-Id", Long.toString(other));
        assertThat(theirs.status()).as(theirs.body()).isEqualTo(200);
        assertThat(theirs.json().get("total").asLong()).isZero();
    }
}
