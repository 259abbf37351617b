package dev.agentkanban.stats;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class StatsApiTest extends ApiTest {

    @Test
    void boardStatsCountTasksByColumnPriorityAndStatus() {
        Board b = board("Known");
        // Backlog: two low, one urgent and overdue
        task(b.col(0), "low", "pending", "null", "null");
        task(b.col(0), "low", "pending", "null", "null");
        task(b.col(0), "urgent", "pending", "now() - interval '1 day'", "null");
        // To Do: one medium due tomorrow (not overdue), one cancelled past its due date (not overdue)
        task(b.col(1), "medium", "pending", "now() + interval '1 day'", "null");
        task(b.col(1), "high", "cancelled", "now() - interval '1 day'", "null");
        // In Progress: two high, one overdue
        task(b.col(2), "high", "in_progress", "now() - interval '1 hour'", "null");
        task(b.col(2), "high", "in_progress", "null", "null");
        // Done: one completed this week, one last week (and past due, which no longer counts)
        task(b.col(3), "medium", "completed", "null", "now()");
        task(b.col(3), "low", "completed", "now() - interval '30 days'", WEEK_START + " - interval '1 day'");

        Response r = http.get("/api/v1/stats?board_id=" + b.id);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode s = r.json();
        assertThat(s.get("board_id").asLong()).isEqualTo(b.id);
        assertThat(s.get("total").asLong()).isEqualTo(9);
        JsonNode cols = s.get("columns");
        assertThat(cols.findValuesAsString("name")).containsExactly("Backlog", "To Do", "In Progress", "Done");
        assertThat(cols.findValuesAsString("kind")).containsExactly("backlog", "todo", "in_progress", "done");
        assertThat(cols.findValues("total").stream().map(JsonNode::asLong)).containsExactly(3L, 2L, 2L, 2L);
        assertPriorities(cols.get(0), 2, 0, 0, 1);
        assertPriorities(cols.get(1), 0, 1, 1, 0);
        assertPriorities(cols.get(2), 0, 0, 2, 0);
        assertPriorities(cols.get(3), 1, 1, 0, 0);
        for (String alias : List.of(
                "/api/v1/boards/" + b.id + "/statistics", "/api/v1/statistics/boards/" + b.id + "/statistics")) {
            Response same = http.get(alias);
            assertThat(same.status()).as(alias).isEqualTo(200);
            assertThat(same.json().get("columns")).as(alias).isEqualTo(cols);
            assertThat(same.json().get("total").asLong()).isEqualTo(9);
        }
        assertThat(cols.get(2).get("column_id").asLong()).isEqualTo(b.col(2));
        assertThat(cols.get(2).get("position").asInt()).isEqualTo(2);
        JsonNode status = s.get("by_status");
        assertThat(status.get("pending").asLong()).isEqualTo(4);
        assertThat(status.get("in_progress").asLong()).isEqualTo(2);
        assertThat(status.get("completed").asLong()).isEqualTo(2);
        assertThat(status.get("cancelled").asLong()).isEqualTo(1);
        assertThat(status.get("overdue").asLong()).isEqualTo(2);
        JsonNode week = s.get("this_week");
        assertThat(week.get("completed").asLong()).isEqualTo(1);
        assertThat(week.get("total").asLong()).isEqualTo(7); // 6 open + 1 completed this week
        assertThat(week.get("percentage").asDouble()).isEqualTo(14.3);
        LocalDate monday = LocalDate.now(ZoneOffset.UTC).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        assertThat(Instant.parse(week.get("week_start").asString()))
                .isEqualTo(monday.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    @Test
    void boardStatsFollowMovesPriorityChangesAndDeletions() {
        Board b = board("Moving");
        long t1 = task(b.col(1), "medium", "pending", "null", "null");
        long t2 = task(b.col(1), "low", "pending", "null", "null");
        jdbc.sql("update tasks set column_id = :c, status = 'completed', position = 99 where id = :id")
                .param("c", b.col(3))
                .param("id", t1)
                .update();
        jdbc.sql("update tasks set priority = 'urgent' where id = :id")
                .param("id", t2)
                .update();

        JsonNode s = http.get("/api/v1/stats?board_id=" + b.id).json();
        assertPriorities(s.get("columns").get(1), 0, 0, 0, 1);
        assertPriorities(s.get("columns").get(3), 0, 1, 0, 0);
        assertThat(s.get("by_status").get("completed").asLong()).isEqualTo(1);
        assertThat(s.get("this_week").get("percentage").asDouble()).isEqualTo(50.0);

        jdbc.sql("delete from tasks where id = :id").param("id", t2).update();
        JsonNode after = http.get("/api/v1/stats?board_id=" + b.id).json();
        assertThat(after.get("total").asLong()).isEqualTo(1);
        assertPriorities(after.get("columns").get(1), 0, 0, 0, 0);
        assertThat(after.get("this_week").get("percentage").asDouble()).isEqualTo(100.0);
    }

    @Test
    void anEmptyBoardListsEveryColumnAndEveryKeyAsZero() {
        Response created = http.post(
                "/api/v1/boards",
                obj(
                        "name",
                        "Empty",
                        "columns",
                        List.of(
                                obj("name", "Ideas", "kind", "backlog"),
                                        obj("name", "Doing", "kind", "in_progress", "wip_limit", 3),
                                obj("name", "Review", "kind", "review"), obj("name", "Shipped", "kind", "done"))));
        long id = created.id();

        Response r = http.get("/api/v1/stats?board_id=" + id);

        assertThat(r.status()).isEqualTo(200);
        JsonNode s = r.json();
        assertThat(s.get("total").asLong()).isZero();
        assertThat(s.get("columns")).hasSize(4);
        for (JsonNode col : s.get("columns")) {
            assertThat(col.get("total").asLong()).isZero();
            assertPriorities(col, 0, 0, 0, 0);
        }
        assertThat(s.get("columns").get(1).get("wip_limit").asInt()).isEqualTo(3);
        assertThat(s.get("columns").get(0).get("wip_limit").isNull()).isTrue();
        for (String key : List.of("pending", "in_progress", "completed", "cancelled", "overdue")) {
            assertThat(s.get("by_status").get(key).asLong()).as(key).isZero();
        }
        assertThat(s.get("this_week").get("completed").asLong()).isZero();
        assertThat(s.get("this_week").get("total").asLong()).isZero();
        assertThat(s.get("this_week").get("percentage").asDouble()).isZero();
    }

    @Test
    void statsOfAMissingOrForeignBoardAreNotFound() {
        assertThat(http.get("/api/v1/stats?board_id=987654").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/stats/time-in-column?board_id=987654").status())
                .isEqualTo(404);
        long ws = jdbc.sql("insert into workspaces (slug, name) values ('stats-other', 'Other') returning id")
                .query(Long.class)
                .single();
        long foreign = jdbc.sql("insert into boards (workspace_id, name) values (:ws, 'Theirs') returning id")
                .param("ws", ws)
                .query(Long.class)
                .single();
        Response r = http.get("/api/v1/stats?board_id=" + foreign);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(http.get("/api/v1/stats/time-in-column?board_id=" + foreign).status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/boards/" + foreign + "/statistics").status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/statistics/boards/" + foreign + "/statistics")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void statsWithoutAValidBoardIdAreRefused() {
        board("One of several");
        board("Another"); // with several boards, none is meant
        for (String path : List.of("/api/v1/stats", "/api/v1/stats/time-in-column")) {
            Response missing = http.get(path);
            assertThat(missing.status()).as(path).isEqualTo(422);
            assertThat(missing.header("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(missing.json().get("errors").get(0).get("field").asString())
                    .isEqualTo("board_id");
            Response malformed = http.get(path + "?board_id=abc");
            assertThat(malformed.status()).as(path).isEqualTo(422);
            assertThat(malformed.json().get("errors").get(0).get("field").asString())
                    .isEqualTo("board_id");
        }
    }

    @Test
    void withoutABoardIdTheWorkspacesOnlyBoardIsMeant() {
        // seed 003's tenants have no boards and seed 000's one fixed board: their stats name none
        Response ws = http.post("/api/v1/workspaces", obj("name", "Stats solo"));
        assertThat(ws.status()).as(ws.body()).isEqualTo(201);
        String[] in = {"X-Workspace-Id", Long.toString(ws.id())};
        for (String path : List.of("/api/v1/stats", "/api/v1/stats/time-in-column")) {
            Response none = http.get(path, in);
            assertThat(none.status()).as(path).isEqualTo(422);
            assertThat(none.json().get("errors").get(0).get("field").asString()).isEqualTo("board_id");
        }
        long board = http.post("/api/v1/boards", obj("name", "Only"), in).id();
        Response task = http.post("/api/v1/tasks", obj("title", "Due yesterday", "due_date", "2020-01-01"), in);
        assertThat(task.status()).as(task.body()).isEqualTo(201);

        Response stats = http.get("/api/v1/stats", in);
        assertThat(stats.status()).as(stats.body()).isEqualTo(200);
        assertThat(stats.json().get("board_id").asLong()).isEqualTo(board);
        assertThat(stats.json().get("total").asLong()).isEqualTo(1);
        assertThat(stats.json().get("by_status").get("overdue").asLong()).isEqualTo(1);
        Response times = http.get("/api/v1/stats/time-in-column", in);
        assertThat(times.status()).as(times.body()).isEqualTo(200);
        assertThat(times.json().get("board_id").asLong()).isEqualTo(board);

        http.post("/api/v1/boards", obj("name", "Second"), in);
        Response ambiguous = http.get("/api/v1/stats", in);
        assertThat(ambiguous.status()).isEqualTo(422);
        assertThat(ambiguous.json().get("errors").get(0).get("field").asString())
                .isEqualTo("board_id");
    }

    @Test
    void timeInColumnGivesTheSpreadPerColumnAndColoursOutliers() {
        Board b = board("Timing");
        // In Progress: nine tasks at 100 s and one at 1000 s: mean 190, sample stdev sqrt(729000 / 9) = 284.6
        // (as seed 002 and a spreadsheet's STDEV compute it; the population's would be 270), the outlier has z = 2.85
        long outlier = entered(b.col(2), 1000);
        for (int i = 0; i < 9; i++) {
            entered(b.col(2), 100);
        }
        // To Do: 10, 10, 10 and 40 s: mean 17.5, sample stdev sqrt(675 / 3) = 15, the last has z = 1.5
        long late = entered(b.col(1), 40);
        long onTime = entered(b.col(1), 10);
        entered(b.col(1), 10);
        entered(b.col(1), 10);
        // Backlog: waiting there is normal, however long
        entered(b.col(0), 10);
        entered(b.col(0), 100_000);

        Response r = http.get("/api/v1/stats/time-in-column?board_id=" + b.id);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode cols = r.json().get("columns");
        assertThat(cols.findValuesAsString("name")).containsExactly("Backlog", "To Do", "In Progress", "Done");

        JsonNode doing = cols.get(2);
        assertThat(doing.get("count").asLong()).isEqualTo(10);
        double drift = doing.get("median_seconds").asDouble() - 100; // time passed since the fixtures' base instant
        assertThat(drift).isBetween(0.0, 600.0);
        assertThat(doing.get("mean_seconds").asDouble()).isCloseTo(190 + drift, within(0.01));
        double stdev = Math.sqrt(729_000 / 9.0);
        assertThat(doing.get("stdev_seconds").asDouble()).isCloseTo(stdev, within(0.01));
        assertThat(doing.get("p95_seconds").asDouble()).isCloseTo(595 + drift, within(0.01));
        JsonNode doingTasks = doing.get("tasks");
        assertThat(doingTasks).hasSize(10);
        assertThat(doingTasks.get(0).get("task_id").asLong()).isEqualTo(outlier);
        assertThat(doingTasks.get(0).get("seconds").asDouble()).isCloseTo(1000 + drift, within(0.01));
        assertThat(doingTasks.get(0).get("status_color").asString()).isEqualTo("critical");
        assertThat(doingTasks.findValuesAsString("status_color").subList(1, 10)).containsOnly("good");
        JsonNode scale = doing.get("color_scale"); // the rule as times, for cards the list leaves out
        assertThat(scale.get("base").asString()).isEqualTo("good");
        assertThat(scale.get("warning_after_seconds").asDouble()).isCloseTo(190 + drift + stdev, within(0.01));
        assertThat(scale.get("critical_after_seconds").asDouble()).isCloseTo(190 + drift + 2 * stdev, within(0.01));

        JsonNode todo = cols.get(1);
        assertThat(todo.get("count").asLong()).isEqualTo(4);
        assertThat(todo.get("stdev_seconds").asDouble()).isCloseTo(15, within(0.01));
        assertThat(colourOf(todo, late)).isEqualTo("warning");
        assertThat(colourOf(todo, onTime)).isEqualTo("good");

        assertThat(cols.get(0).get("tasks").findValuesAsString("status_color")).containsOnly("normal");
        assertThat(cols.get(0).get("color_scale").get("base").asString()).isEqualTo("normal");
        assertThat(cols.get(0).get("color_scale").get("critical_after_seconds").isNull())
                .isTrue();

        JsonNode done = cols.get(3);
        assertThat(done.get("count").asLong()).isZero();
        assertThat(done.get("mean_seconds").isNull()).isTrue();
        assertThat(done.get("p95_seconds").isNull()).isTrue();
        assertThat(done.get("tasks")).isEmpty();
    }

    @Test
    void aLoneTaskInAColumnIsGood() {
        Board b = board("Lonely");
        entered(b.col(2), 5_000);

        JsonNode doing = http.get("/api/v1/stats/time-in-column?board_id=" + b.id)
                .json()
                .get("columns")
                .get(2);

        assertThat(doing.get("stdev_seconds").asDouble()).isZero();
        assertThat(doing.get("tasks").get(0).get("status_color").asString()).isEqualTo("good");
    }

    // ---- fixtures ----

    /** Monday 00:00 UTC of the current ISO week, in SQL. */
    private static final String WEEK_START = "(date_trunc('week', now() at time zone 'UTC') at time zone 'UTC')";

    record Board(long id, List<Long> columns) {
        long col(int i) {
            return columns.get(i);
        }
    }

    /** A board with the default columns Backlog, To Do, In Progress, Done. */
    private Board board(String name) {
        Response r = http.post("/api/v1/boards", obj("name", name));
        assertThat(r.status()).isEqualTo(201);
        return new Board(
                r.id(),
                r.json().get("columns").findValues("id").stream()
                        .map(JsonNode::asLong)
                        .toList());
    }

    /** Inserts a task; {@code due} and {@code completedAt} are SQL expressions. */
    private long task(long column, String priority, String status, String due, String completedAt) {
        return jdbc.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title, priority, status, due_date, completed_at)
                select c.workspace_id, c.board_id, c.id, coalesce((select max(position) from tasks where column_id = c.id), 0) + 1024,
                       't', :priority, :status, %s, %s
                from board_columns c where c.id = :col
                returning id
                """.formatted(due, completedAt))
                .param("col", column)
                .param("priority", priority)
                .param("status", status)
                .query(Long.class)
                .single();
    }

    /** The instant the time-in-column fixtures count back from, so every task drifts alike. */
    private final Instant base = Instant.now();

    /** Inserts a task that entered the column {@code seconds} before {@link #base}. */
    private long entered(long column, int seconds) {
        return jdbc.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title, column_entered_at)
                select c.workspace_id, c.board_id, c.id, coalesce((select max(position) from tasks where column_id = c.id), 0) + 1024,
                       't', :entered
                from board_columns c where c.id = :col
                returning id
                """)
                .param("col", column)
                .param("entered", base.minusSeconds(seconds).atOffset(ZoneOffset.UTC))
                .query(Long.class)
                .single();
    }

    private static void assertPriorities(JsonNode column, long low, long medium, long high, long urgent) {
        JsonNode p = column.get("by_priority");
        assertThat(p.size()).isEqualTo(4);
        assertThat(p.get("low").asLong()).as("low").isEqualTo(low);
        assertThat(p.get("medium").asLong()).as("medium").isEqualTo(medium);
        assertThat(p.get("high").asLong()).as("high").isEqualTo(high);
        assertThat(p.get("urgent").asLong()).as("urgent").isEqualTo(urgent);
    }

    private static String colourOf(JsonNode column, long taskId) {
        for (JsonNode t : column.get("tasks")) {
            if (t.get("task_id").asLong() == taskId) {
                return t.get("status_color").asString();
            }
        }
        throw new AssertionError("task " + taskId + " not listed");
    }
}
