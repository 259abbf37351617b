package dev.agentkanban.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.agentkanban.analytics.History.Board;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Flow metrics on a constructed week (Monday 2026-01-05 .. Sunday 2026-01-11, UTC) of one board with
 * columns Backlog, To Do, In Progress, Done, worked out by hand:
 * <pre>
 * A  created 05 10:00 To Do; 06 09:00 In Progress; 08 09:00 Done, completed     lead 71 h, cycle 48 h
 * B  created 05 12:00 To Do; 06 12:00 In Progress; 07 12:00 back to To Do;
 *    09 12:00 In Progress; 10 12:00 Done, completed                             lead 120 h, cycle 96 h
 * C  created 06 08:00 In Progress; deleted 07 20:00 there
 * D  created 07 00:00 Backlog, still there
 * E  created 05 09:00 To Do; 09 00:00 In Progress, still there (aging)
 * F  created 05 08:00 on another board; 08 06:00 moved to this board's In Progress;
 *    09 06:00 Done, completed                                                  lead 94 h, cycle 24 h
 * </pre>
 * A and B carry epic E1.
 */
class FlowMetricsTest extends ApiTest {

    private Board b;
    private long a;
    private long bb;
    private long c = 900_001;
    private long d;
    private long e;
    private long f;

    private static Instant at(String dayTime) {
        return Instant.parse("2026-01-" + dayTime + ":00Z");
    }

    @BeforeAll
    void history() {
        History h = new History(jdbc, http);
        b = h.board("Flow", "Backlog", "backlog", "To Do", "todo", "In Progress", "in_progress", "Done", "done");
        Board other = h.board("Elsewhere", "Inbox", "todo", "Shipped", "done");
        long bl = b.col(0), td = b.col(1), ip = b.col(2), dn = b.col(3);

        a = h.task(b, dn, "completed", at("05T10:00"), at("08T09:00"), "E1");
        h.created(a, b, td, at("05T10:00"));
        h.moved(a, b, td, ip, at("06T09:00"));
        h.moved(a, b, ip, dn, at("08T09:00"));
        h.status(a, b, "in_progress", "completed", dn, at("08T09:00"));

        bb = h.task(b, dn, "completed", at("05T12:00"), at("10T12:00"), "E1");
        h.created(bb, b, td, at("05T12:00"));
        h.moved(bb, b, td, ip, at("06T12:00"));
        h.moved(bb, b, ip, td, at("07T12:00"));
        h.moved(bb, b, td, ip, at("09T12:00"));
        h.moved(bb, b, ip, dn, at("10T12:00"));
        h.status(bb, b, "in_progress", "completed", dn, at("10T12:00"));

        h.created(c, b, ip, at("06T08:00"));
        h.deleted(c, b, ip, at("07T20:00"));

        d = h.task(b, bl, "pending", at("07T00:00"), null, null);
        h.created(d, b, bl, at("07T00:00"));

        e = h.task(b, ip, "in_progress", at("05T09:00"), null, null);
        h.created(e, b, td, at("05T09:00"));
        h.moved(e, b, td, ip, at("09T00:00"));
        h.status(e, b, "pending", "in_progress", ip, at("09T00:00"));

        f = h.task(b, dn, "completed", at("05T08:00"), at("09T06:00"), null);
        h.created(f, other, other.col(0), at("05T08:00"));
        h.moved(f, b, other.col(0), ip, at("08T06:00"));
        h.moved(f, b, ip, dn, at("09T06:00"));
        h.status(f, b, "pending", "completed", dn, at("09T06:00"));
    }

    private JsonNode flow(String query) {
        Response r = http.get("/api/v1/analytics/boards/" + b.id() + "/flow?from=2026-01-05&to=2026-01-11" + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static List<List<Long>> counts(JsonNode report) {
        List<List<Long>> out = new ArrayList<>();
        for (JsonNode day : report.get("cumulative_flow")) {
            out.add(day.get("counts").valueStream().map(JsonNode::asLong).toList());
        }
        return out;
    }

    @Test
    void cumulativeFlowCountsEachDaysEndExactly() {
        JsonNode r = flow("");
        assertThat(r.get("columns").findValuesAsString("name"))
                .containsExactly("Backlog", "To Do", "In Progress", "Done");
        assertThat(r.get("cumulative_flow").findValuesAsString("date"))
                .containsExactly(
                        "2026-01-05",
                        "2026-01-06",
                        "2026-01-07",
                        "2026-01-08",
                        "2026-01-09",
                        "2026-01-10",
                        "2026-01-11");
        assertThat(counts(r))
                .containsExactly(
                        List.of(0L, 3L, 0L, 0L), // A, B, E in To Do; C not yet; F on the other board
                        List.of(0L, 1L, 3L, 0L), // A, B, C in progress
                        List.of(1L, 2L, 1L, 0L), // B back, C deleted, D in the backlog
                        List.of(1L, 2L, 1L, 1L), // A done, F arrived in progress
                        List.of(1L, 0L, 2L, 2L), // B and E in progress, F done
                        List.of(1L, 0L, 1L, 3L), // B done
                        List.of(1L, 0L, 1L, 3L));
        assertThat(r.get("wip").findValues("wip").stream().map(JsonNode::asLong))
                .containsExactly(0L, 3L, 1L, 1L, 2L, 1L, 1L);
    }

    @Test
    void dayBoundariesFollowTheTimeZone() {
        // New York is UTC-5 in January: Jan 6 ends at 05:00 UTC on Jan 7, after D was created at 00:00 UTC
        JsonNode r = flow("&tz=America/New_York");
        assertThat(counts(r).get(0)).containsExactly(0L, 3L, 0L, 0L);
        assertThat(counts(r).get(1)).containsExactly(1L, 1L, 3L, 0L);
        assertThat(r.get("tz").asString()).isEqualTo("America/New_York");
    }

    @Test
    void throughputLeadAndCycleTimes() {
        JsonNode r = flow("");
        assertThat(r.get("throughput_daily").findValues("completed").stream().map(JsonNode::asLong))
                .containsExactly(0L, 0L, 0L, 1L, 1L, 1L, 0L);
        JsonNode week = r.get("throughput_weekly");
        assertThat(week).hasSize(1);
        assertThat(week.get(0).get("week_start").asString()).isEqualTo("2026-01-05");
        assertThat(week.get(0).get("days").asInt()).isEqualTo(7);
        assertThat(week.get(0).get("completed").asLong()).isEqualTo(3);

        // lead times 255,600 (A), 338,400 (F), 432,000 (B) s; interpolated: p85 at rank 1.7, p95 at 1.9
        JsonNode lead = r.get("lead_time");
        assertThat(lead.get("count").asLong()).isEqualTo(3);
        assertThat(lead.get("mean_seconds").asDouble()).isCloseTo(342_000, within(0.001));
        assertThat(lead.get("p50_seconds").asDouble()).isCloseTo(338_400, within(0.001));
        assertThat(lead.get("p85_seconds").asDouble()).isCloseTo(338_400 + 0.7 * 93_600, within(0.001));
        assertThat(lead.get("p95_seconds").asDouble()).isCloseTo(338_400 + 0.9 * 93_600, within(0.001));
        // cycle times 86,400 (F), 172,800 (A), 345,600 (B: from its first entry into In Progress)
        JsonNode cycle = r.get("cycle_time");
        assertThat(cycle.get("p50_seconds").asDouble()).isCloseTo(172_800, within(0.001));
        assertThat(cycle.get("p85_seconds").asDouble()).isCloseTo(293_760, within(0.001));
        assertThat(cycle.get("p95_seconds").asDouble()).isCloseTo(328_320, within(0.001));

        JsonNode points = r.get("completed");
        assertThat(points.findValues("task_id").stream().map(JsonNode::asLong)).containsExactly(a, f, bb);
        assertThat(points.get(2).get("started_at").asString()).isEqualTo("2026-01-06T12:00:00Z");
        assertThat(points.get(2).get("cycle_time_seconds").asDouble()).isEqualTo(345_600);
    }

    @Test
    void agingWipComparesOpenWorkWithTheCycleTimeP85() {
        JsonNode aging = flow("").get("aging_wip");
        assertThat(aging.get("p85_cycle_time_seconds").asDouble()).isCloseTo(293_760, within(0.001));
        JsonNode tasks = aging.get("tasks");
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).get("task_id").asLong()).isEqualTo(e);
        assertThat(tasks.get(0).get("started_at").asString()).isEqualTo("2026-01-09T00:00:00Z");
        assertThat(tasks.get(0).get("age_seconds").asDouble())
                .isCloseTo((Instant.now().toEpochMilli() - at("09T00:00").toEpochMilli()) / 1000.0, within(600.0));
        assertThat(tasks.get(0).get("beyond_p85").asBoolean()).isTrue();
    }

    @Test
    void filtersNarrowEveryTable() {
        JsonNode r = flow("&epic=E1");
        assertThat(counts(r).get(1)).containsExactly(0L, 0L, 2L, 0L);
        assertThat(counts(r).get(6)).containsExactly(0L, 0L, 0L, 2L);
        assertThat(r.get("lead_time").get("count").asLong()).isEqualTo(2);
        assertThat(r.get("aging_wip").get("tasks")).isEmpty();
        assertThat(r.get("filter").get("epic").asString()).isEqualTo("E1");
    }

    @Test
    void everyTableDownloadsAsCsv() {
        String base = "/api/v1/analytics/boards/" + b.id() + "/flow/";
        Response cfd = http.get(base + "cumulative_flow?from=2026-01-05&to=2026-01-06&format=csv");
        assertThat(cfd.status()).as(cfd.body()).isEqualTo(200);
        assertThat(cfd.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/csv"));
        assertThat(cfd.body())
                .isEqualTo("date,Backlog,To Do,In Progress,Done\r\n2026-01-05,0,3,0,0\r\n2026-01-06,0,1,3,0\r\n");
        Response byAccept = http.get(base + "throughput_daily?from=2026-01-08&to=2026-01-09", "Accept", "text/csv");
        assertThat(byAccept.body()).isEqualTo("date,completed\r\n2026-01-08,1\r\n2026-01-09,1\r\n");
        for (String table : FlowTables.NAMES) {
            Response csv = http.get(base + table + "?from=2026-01-05&to=2026-01-11&format=csv");
            assertThat(csv.status()).as(table).isEqualTo(200);
            Response json = http.get(base + table + "?from=2026-01-05&to=2026-01-11");
            assertThat(json.status()).as(table).isEqualTo(200);
            assertThat(csv.body().split("\r\n")).as(table).hasSize(json.json().size() + 1);
        }
    }

    @Test
    void aCsvCellNoSpreadsheetRunsAndADateBeyondYear9999IsA422() {
        long[] board = new dev.agentkanban.task.TaskFixtures(http).board("Formulas");
        new dev.agentkanban.task.TaskFixtures(http)
                .task(board[0], "=HYPERLINK(\"http://evil.example\",\"click\")", "column", "In Progress");
        String base = "/api/v1/analytics/boards/" + board[0] + "/flow/";
        Response aging = http.get(base + "aging_wip?format=csv");
        assertThat(aging.status()).as(aging.body()).isEqualTo(200);
        assertThat(aging.body()).contains("'=HYPERLINK").doesNotContain(",\"=HYPERLINK");

        for (String table : List.of("cumulative_flow", "percentiles", "aging_wip")) {
            Response far = http.get(base + table + "?from=%2B999999999-12-30&to=%2B999999999-12-31");
            assertThat(far.status()).as(table + ": " + far.body()).isEqualTo(422);
            // the last and first days allowed, in the zones furthest from UTC, have bounds PostgreSQL takes
            for (String range : List.of(
                    "from=9998-12-25&to=9998-12-31&tz=Pacific/Pago_Pago",
                    "from=0002-01-01&to=0002-01-07&tz=Pacific/Kiritimati")) {
                Response edge = http.get(base + table + "?" + range);
                assertThat(edge.status())
                        .as(table + " " + range + ": " + edge.body())
                        .isEqualTo(200);
            }
            Response beyond = http.get(base + table + "?from=9999-12-25&to=9999-12-31&tz=Pacific/Pago_Pago");
            assertThat(beyond.status()).as(table + ": " + beyond.body()).isEqualTo(422);
            assertThat(beyond.json().get("errors").get(0).get("field").asString())
                    .isEqualTo("to");
        }
    }

    @Test
    void everyFlowRowNamesTheTasksColumnSoADeletedTaskCanBePlaced() {
        long[] board = new dev.agentkanban.task.TaskFixtures(http).board("Short-lived");
        long task = new dev.agentkanban.task.TaskFixtures(http).task(board[0], "gone soon", "column", "To Do");
        assertThat(http.delete("/api/v1/tasks/" + task).status()).isEqualTo(204);
        List<String> rows = jdbc.sql("select action || ':' || coalesce(column_id::text, 'null') from task_history"
                        + " where task_id = :t and action in ('created', 'deleted') order by id")
                .param("t", task)
                .query(String.class)
                .list();
        assertThat(rows).containsExactly("created:" + board[2], "deleted:" + board[2]);
    }

    @Test
    void burnUpOfAnEpic() {
        Response r = http.get("/api/v1/analytics/boards/" + b.id() + "/burnup?epic=E1&from=2026-01-05&to=2026-01-11");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode days = r.json().get("days");
        assertThat(days.findValues("scope").stream().map(JsonNode::asLong)).containsExactly(2L, 2L, 2L, 2L, 2L, 2L, 2L);
        assertThat(days.findValues("done").stream().map(JsonNode::asLong)).containsExactly(0L, 0L, 0L, 1L, 1L, 2L, 2L);
        Response csv = http.get(
                "/api/v1/analytics/boards/" + b.id() + "/burnup?epic=E1&from=2026-01-07&to=2026-01-08&format=csv");
        assertThat(csv.body()).isEqualTo("date,scope,done\r\n2026-01-07,2,0\r\n2026-01-08,2,1\r\n");
        assertInvalid("/api/v1/analytics/boards/" + b.id() + "/burnup", "epic");
    }

    @Test
    void badParametersAreNamed() {
        String base = "/api/v1/analytics/boards/" + b.id() + "/flow";
        assertInvalid(base + "?tz=Mars/Base", "tz");
        assertInvalid(base + "?from=2026-13-01", "from");
        assertInvalid(base + "?from=2026-01-10&to=2026-01-01", "from");
        assertInvalid(base + "?from=2024-01-01&to=2026-01-01", "from");
        assertThat(http.get(base + "/nonsense").status()).isEqualTo(404);
        assertInvalid(base + "/wip?format=xml", "format");
        assertThat(http.get("/api/v1/analytics/boards/987654/flow").status()).isEqualTo(404);
    }

    private void assertInvalid(String path, String field) {
        Response r = http.get(path);
        assertThat(r.status()).as(path + " " + r.body()).isEqualTo(422);
        assertThat(r.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo(field);
    }
}
