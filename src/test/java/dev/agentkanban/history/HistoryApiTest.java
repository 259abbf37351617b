package dev.agentkanban.history;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

class HistoryApiTest extends ApiTest {

    @Autowired
    PlatformTransactionManager transactions;

    // ---- task history ----

    @Test
    void taskHistoryListsTheTriggerRowsOldestFirstWithActorAndValues() {
        Board b = board("History");
        long task = insertTask(b.col(0), "Write docs", "tester");
        as(
                "tester",
                sql -> sql.sql("update tasks set priority = 'high', assignee = 'ann' where id = :id")
                        .param("id", task)
                        .update());
        as(
                "mover",
                sql -> sql.sql("update tasks set column_id = :c where id = :id")
                        .param("c", b.col(1))
                        .param("id", task)
                        .update());

        Response r = http.get("/api/v1/tasks/" + task + "/history");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode items = r.json().get("items");
        assertThat(items.findValuesAsString("action")).containsExactly("created", "updated", "updated", "moved");
        assertThat(r.json().get("total").asLong()).isEqualTo(4);
        JsonNode created = items.get(0);
        assertThat(created.get("actor").asString()).isEqualTo("tester");
        assertThat(created.get("new_value").asString()).isEqualTo("Write docs");
        assertThat(created.get("task_id").asLong()).isEqualTo(task);
        assertThat(created.get("board_id").asLong()).isEqualTo(b.id);
        assertThat(created.get("occurred_at").asString()).endsWith("Z");
        JsonNode priority = find(items, "field", "priority");
        assertThat(priority.get("old_value").asString()).isEqualTo("medium");
        assertThat(priority.get("new_value").asString()).isEqualTo("high");
        assertThat(priority.get("actor").asString()).isEqualTo("tester");
        JsonNode assignee = find(items, "field", "assignee");
        assertThat(assignee.get("old_value").isNull()).isTrue();
        assertThat(assignee.get("new_value").asString()).isEqualTo("ann");
        JsonNode moved = items.get(3);
        assertThat(moved.get("field").asString()).isEqualTo("column");
        assertThat(moved.get("old_value").asString()).isEqualTo(Long.toString(b.col(0)));
        assertThat(moved.get("new_value").asString()).isEqualTo(Long.toString(b.col(1)));
        assertThat(moved.get("from_column").asString()).isEqualTo("Backlog"); // a reader needs no lookup
        assertThat(moved.get("to_column").asString()).isEqualTo("To Do");
        assertThat(moved.get("actor").asString()).isEqualTo("mover");
        assertThat(priority.get("from_column").isNull()).isTrue();
        assertThat(priority.get("to_column").isNull()).isTrue();
        JsonNode activity =
                http.get("/api/v1/boards/" + b.id + "/activity").json().get("items");
        assertThat(find(activity, "action", "moved").get("to_column").asString())
                .isEqualTo("To Do");
    }

    @Test
    void taskHistoryIsPaged() {
        Board b = board("Paged history");
        long task = insertTask(b.col(0), "Paged", "tester");
        for (String p : List.of("low", "high", "urgent")) {
            as(
                    "tester",
                    sql -> sql.sql("update tasks set priority = :p where id = :id")
                            .param("p", p)
                            .param("id", task)
                            .update());
        }

        Response page = http.get("/api/v1/tasks/" + task + "/history?limit=2&offset=1");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().get("total").asLong()).isEqualTo(4);
        assertThat(page.json().get("limit").asInt()).isEqualTo(2);
        assertThat(page.json().get("offset").asLong()).isEqualTo(1);
        assertThat(page.json().get("items").findValuesAsString("new_value")).containsExactly("low", "high");
        assertThat(http.get("/api/v1/tasks/" + task + "/history?limit=0").status())
                .isEqualTo(422);
    }

    @Test
    void aDeletedTasksHistoryStaysReadable() {
        Board b = board("Deleted");
        long task = insertTask(b.col(0), "Short-lived", "tester");
        as(
                "remover",
                sql -> sql.sql("delete from tasks where id = :id")
                        .param("id", task)
                        .update());

        Response history = http.get("/api/v1/tasks/" + task + "/history");
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.json().get("items").findValuesAsString("action")).containsExactly("created", "deleted");
        assertThat(history.json().get("items").get(1).get("actor").asString()).isEqualTo("remover");

        Response transitions = http.get("/api/v1/tasks/" + task + "/transitions");
        assertThat(transitions.status()).isEqualTo(200);
        assertThat(transitions.json().get("current").isNull()).isTrue();
    }

    @Test
    void aTaskInTheTrashIsInNoColumnUntilRestored() {
        Board b = board("Trashed");
        long task = http.post("/api/v1/tasks", obj("board_id", b.id, "column_id", b.col(1), "title", "Binned"))
                .id();
        assertThat(http.delete("/api/v1/tasks/" + task).status()).isEqualTo(204);

        Response trashed = http.get("/api/v1/tasks/" + task + "/transitions");
        assertThat(trashed.status()).as(trashed.body()).isEqualTo(200);
        assertThat(trashed.json().get("transitions")).hasSize(1);
        assertThat(trashed.json().get("current").isNull()).as(trashed.body()).isTrue();

        assertThat(http.post("/api/v1/tasks/" + task + "/restore", obj()).status())
                .isEqualTo(200);
        JsonNode restored = http.get("/api/v1/tasks/" + task + "/transitions").json();
        assertThat(restored.get("current").get("column_id").asLong()).isEqualTo(b.col(1));
    }

    @Test
    void aMissingTaskIsNotFound() {
        assertThat(http.get("/api/v1/tasks/987654/history").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/tasks/987654/transitions").status()).isEqualTo(404);
        Response r = http.get("/api/v1/tasks/abc/history");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    }

    @Test
    void aTaskOfAnotherWorkspaceIsNotFoundEvenOnceDeleted() {
        long foreignTask = foreignWorkspaceTask();
        assertThat(http.get("/api/v1/tasks/" + foreignTask + "/history").status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/tasks/" + foreignTask + "/transitions").status())
                .isEqualTo(404);

        jdbc.sql("delete from tasks where id = :id").param("id", foreignTask).update();
        assertThat(http.get("/api/v1/tasks/" + foreignTask + "/history").status())
                .isEqualTo(404);
    }

    // ---- transitions ----

    @Test
    void transitionsGiveTheTimeSpentInEachColumn() {
        Board b = board("Flow");
        long task = insertTask(b.col(0), "Flowing", "creator");
        as("alice", sql -> move(sql, task, b.col(1)));
        as("bob", sql -> move(sql, task, b.col(2)));
        Instant t0 = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        setTimes(task, List.of(t0, t0.plusSeconds(3600), t0.plusSeconds(3600 + 600)));
        jdbc.sql("update tasks set column_entered_at = :t where id = :id")
                .param("t", t0.plusSeconds(4200).atOffset(ZoneOffset.UTC))
                .param("id", task)
                .update();

        Response r = http.get("/api/v1/tasks/" + task + "/transitions");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode ts = r.json().get("transitions");
        assertThat(ts).hasSize(3);
        assertThat(ts.get(0).get("from_column_id").isNull()).isTrue();
        assertThat(ts.get(0).get("to_column_id").asLong()).isEqualTo(b.col(0));
        assertThat(ts.get(0).get("to_column").asString()).isEqualTo("Backlog");
        assertThat(ts.get(0).get("actor").asString()).isEqualTo("creator");
        assertThat(ts.get(0).get("seconds_in_previous").isNull()).isTrue();
        assertThat(Instant.parse(ts.get(0).get("at").asString())).isEqualTo(t0);

        assertThat(ts.get(1).get("from_column").asString()).isEqualTo("Backlog");
        assertThat(ts.get(1).get("to_column").asString()).isEqualTo("To Do");
        assertThat(ts.get(1).get("actor").asString()).isEqualTo("alice");
        assertThat(ts.get(1).get("seconds_in_previous").asDouble()).isEqualTo(3600.0);

        assertThat(ts.get(2).get("from_column_id").asLong()).isEqualTo(b.col(1));
        assertThat(ts.get(2).get("to_column_id").asLong()).isEqualTo(b.col(2));
        assertThat(ts.get(2).get("to_column").asString()).isEqualTo("In Progress");
        assertThat(ts.get(2).get("seconds_in_previous").asDouble()).isEqualTo(600.0);

        JsonNode current = r.json().get("current");
        assertThat(current.get("column_id").asLong()).isEqualTo(b.col(2));
        assertThat(current.get("column").asString()).isEqualTo("In Progress");
        assertThat(Instant.parse(current.get("since").asString())).isEqualTo(t0.plusSeconds(4200));
        double expected = Instant.now().getEpochSecond() - t0.plusSeconds(4200).getEpochSecond();
        assertThat(current.get("seconds").asDouble()).isCloseTo(expected, within(60.0));
    }

    @Test
    void aTaskNeverMovedHasOneTransitionIntoItsColumn() {
        Board b = board("Still");
        long task = insertTask(b.col(1), "Still", "tester");

        JsonNode r = http.get("/api/v1/tasks/" + task + "/transitions").json();

        assertThat(r.get("transitions")).hasSize(1);
        assertThat(r.get("transitions").get(0).get("to_column").asString()).isEqualTo("To Do");
        assertThat(r.get("current").get("column_id").asLong()).isEqualTo(b.col(1));
        assertThat(r.get("current").get("seconds").asDouble()).isBetween(0.0, 60.0);
    }

    @Test
    void aColumnThatNoLongerExistsIsNamedByIdOnly() {
        Board b = board("Reshaped");
        long task = insertTask(b.col(1), "Survivor", "tester");
        as("tester", sql -> move(sql, task, b.col(2)));
        assertThat(http.delete("/api/v1/boards/" + b.id + "/columns/" + b.col(1))
                        .status())
                .isEqualTo(204);

        JsonNode ts = http.get("/api/v1/tasks/" + task + "/transitions").json().get("transitions");

        assertThat(ts.get(0).get("to_column_id").asLong()).isEqualTo(b.col(1));
        assertThat(ts.get(0).get("to_column").isNull()).isTrue();
        assertThat(ts.get(1).get("from_column_id").asLong()).isEqualTo(b.col(1));
        assertThat(ts.get(1).get("from_column").isNull()).isTrue();
        assertThat(ts.get(1).get("to_column").asString()).isEqualTo("In Progress");
    }

    // ---- board activity ----

    @Test
    void boardActivityCoversTheLastSevenDaysNewestFirstByDefault() {
        Board b = board("Active");
        long old = insertTask(b.col(0), "Old", "tester");
        long recent = insertTask(b.col(0), "Recent", "tester");
        as("tester", sql -> move(sql, recent, b.col(1)));
        backdate(old, Instant.now().minus(10, ChronoUnit.DAYS));
        Board other = board("Elsewhere");
        insertTask(other.col(0), "Not here", "tester");

        Response r = http.get("/api/v1/boards/" + b.id + "/activity");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("board_id").asLong()).isEqualTo(b.id);
        assertThat(r.json().get("total").asLong()).isEqualTo(2);
        JsonNode items = r.json().get("items");
        assertThat(items.findValuesAsString("action")).containsExactly("moved", "created");
        assertThat(items.findValues("task_id").stream().map(JsonNode::asLong)).containsOnly(recent);
        Instant since = Instant.parse(r.json().get("since").asString());
        assertThat(since)
                .isBetween(
                        Instant.now().minus(7, ChronoUnit.DAYS).minusSeconds(60),
                        Instant.now().minus(7, ChronoUnit.DAYS).plusSeconds(60));
    }

    @Test
    void boardActivityHonoursAnExplicitWindowAndPaging() {
        Board b = board("Windowed");
        long a = insertTask(b.col(0), "A", "tester");
        long c = insertTask(b.col(0), "C", "tester");
        long d = insertTask(b.col(0), "D", "tester");
        backdate(a, Instant.parse("2024-03-01T10:00:00Z"));
        backdate(c, Instant.parse("2024-03-05T10:00:00Z"));
        backdate(d, Instant.parse("2024-03-09T10:00:00Z"));

        Response window =
                http.get("/api/v1/boards/" + b.id + "/activity?since=2024-03-01T10:00:00Z&until=2024-03-09T10:00:00Z");
        assertThat(window.status()).as(window.body()).isEqualTo(200);
        assertThat(window.json().get("items").findValues("task_id").stream().map(JsonNode::asLong))
                .containsExactly(c, a);
        assertThat(window.json().get("until").asString()).isEqualTo("2024-03-09T10:00:00Z");

        Response dates = http.get("/api/v1/boards/" + b.id + "/activity?since=2024-03-02&until=2024-03-10&limit=1");
        assertThat(dates.json().get("total").asLong()).isEqualTo(2);
        assertThat(dates.json().get("items").findValues("task_id").stream().map(JsonNode::asLong))
                .containsExactly(d);

        Response onlyUntil = http.get("/api/v1/boards/" + b.id + "/activity?until=2024-03-06T00:00:00Z");
        assertThat(onlyUntil.json().get("since").asString()).isEqualTo("2024-02-28T00:00:00Z");
        assertThat(onlyUntil.json().get("items").findValues("task_id").stream().map(JsonNode::asLong))
                .containsExactly(c, a);
    }

    /**
     * A window named by its length ({@code hours} or {@code days}, as seed 002's clients ask for the last
     * day's activity) was ignored: {@code ?hours=1} answered the default seven days.
     */
    @Test
    void boardActivityTakesTheWindowAsHoursOrDays() {
        Board b = board("Lately");
        long recent = insertTask(b.col(0), "Recent", "tester");
        long yesterday = insertTask(b.col(0), "Yesterday", "tester");
        long lastWeek = insertTask(b.col(0), "Last week", "tester");
        backdate(yesterday, Instant.now().minus(30, ChronoUnit.HOURS));
        backdate(lastWeek, Instant.now().minus(6, ChronoUnit.DAYS));

        Response hour = http.get("/api/v1/boards/" + b.id + "/activity?hours=1");
        assertThat(hour.status()).as(hour.body()).isEqualTo(200);
        assertThat(hour.json().get("items").findValues("task_id").stream().map(JsonNode::asLong))
                .containsExactly(recent);
        Response twoDays = http.get("/api/v1/history/boards/" + b.id + "/activity?days=2");
        assertThat(twoDays.json().get("items").findValues("task_id").stream().map(JsonNode::asLong))
                .containsExactly(recent, yesterday);
        Instant since = Instant.parse(twoDays.json().get("since").asString());
        assertThat(since)
                .isBetween(
                        Instant.now().minus(2, ChronoUnit.DAYS).minusSeconds(60),
                        Instant.now().minus(2, ChronoUnit.DAYS).plusSeconds(60));

        for (String bad :
                List.of("hours=0", "hours=abc", "days=0", "days=366", "hours=1&days=1", "days=1&since=2024-03-01")) {
            Response refused = http.get("/api/v1/boards/" + b.id + "/activity?" + bad);
            assertThat(refused.status()).as(bad + ": " + refused.body()).isEqualTo(422);
        }
    }

    @Test
    void boardActivityRefusesAnInvertedOrMalformedWindow() {
        Board b = board("Strict");
        Response inverted =
                http.get("/api/v1/boards/" + b.id + "/activity?since=2024-03-09T00:00:00Z&until=2024-03-01T00:00:00Z");
        assertThat(inverted.status()).isEqualTo(422);
        assertThat(inverted.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(inverted.json().get("errors").get(0).get("field").asString()).isEqualTo("since");
        assertThat(http.get("/api/v1/boards/" + b.id + "/activity?since=yesterday")
                        .status())
                .isEqualTo(422);
        assertThat(http.get("/api/v1/boards/" + b.id + "/activity?limit=-1").status())
                .isEqualTo(422);
    }

    @Test
    void activityOfAMissingOrForeignBoardIsNotFound() {
        assertThat(http.get("/api/v1/boards/987654/activity").status()).isEqualTo(404);
        long foreignBoard = jdbc.sql("select board_id from tasks where id = :id")
                .param("id", foreignWorkspaceTask())
                .query(Long.class)
                .single();
        assertThat(http.get("/api/v1/boards/" + foreignBoard + "/activity").status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/history/stats?board_id=" + foreignBoard).status())
                .isEqualTo(404);
    }

    // ---- history stats ----

    @Test
    void historyStatsCountChangesPerDayForABoard() {
        Board b = board("Stats");
        long t1 = insertTask(b.col(0), "One", "ann");
        long t2 = insertTask(b.col(0), "Two", "ann");
        as("bob", sql -> {
            move(sql, t1, b.col(1));
            sql.sql("update tasks set status = 'completed' where id = :id")
                    .param("id", t1)
                    .update();
            sql.sql("update tasks set priority = 'urgent' where id = :id")
                    .param("id", t2)
                    .update();
        });
        long t3 = insertTask(b.col(0), "Yesterday", "carol");
        jdbc.sql("update task_history set occurred_at = occurred_at - interval '1 day' where task_id = :id")
                .param("id", t3)
                .update();
        long t4 = insertTask(b.col(0), "Long ago", "carol");
        jdbc.sql("update task_history set occurred_at = occurred_at - interval '5 days' where task_id = :id")
                .param("id", t4)
                .update();

        Response r = http.get("/api/v1/history/stats?days=3&board_id=" + b.id);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode days = r.json().get("per_day");
        assertThat(days).hasSize(3);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(days.findValuesAsString("date"))
                .containsExactly(
                        today.minusDays(2).toString(), today.minusDays(1).toString(), today.toString());
        assertThat(Instant.parse(r.json().get("since").asString()))
                .isEqualTo(today.minusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant());
        assertThat(days.get(0).get("total").asLong()).isZero();
        assertThat(days.get(1).get("created").asLong()).isEqualTo(1);
        JsonNode now = days.get(2);
        assertThat(now.get("created").asLong()).isEqualTo(2);
        assertThat(now.get("moved").asLong()).isEqualTo(1);
        assertThat(now.get("completed").asLong()).isEqualTo(1);
        assertThat(now.get("updated").asLong()).isEqualTo(1);
        assertThat(now.get("total").asLong()).isEqualTo(5);
        assertThat(r.json().get("totals").get("created").asLong()).isEqualTo(3);
        assertThat(r.json().get("totals").get("total").asLong()).isEqualTo(6);
        JsonNode actors = r.json().get("most_active_actors");
        assertThat(actors.findValuesAsString("actor")).containsExactly("bob", "ann", "carol");
        assertThat(actors.get(0).get("changes").asLong()).isEqualTo(3);
    }

    @Test
    void historyStatsCountPerDayOfTheGivenZone() {
        Board b = board("Tokyo");
        long task = insertTask(b.col(0), "Early morning in Tokyo", "ann");
        // a minute after midnight in Tokyo (UTC+9, no daylight saving) is 15:01 UTC of the day before
        java.time.ZoneId tokyo = java.time.ZoneId.of("Asia/Tokyo");
        LocalDate tokyoToday = LocalDate.now(tokyo);
        backdate(task, tokyoToday.atStartOfDay(tokyo).plusMinutes(1).toInstant());

        Response local = http.get("/api/v1/history/stats?days=2&tz=Asia/Tokyo&board_id=" + b.id);
        assertThat(local.status()).as(local.body()).isEqualTo(200);
        assertThat(local.json().get("tz").asString()).isEqualTo("Asia/Tokyo");
        assertThat(Instant.parse(local.json().get("since").asString()))
                .isEqualTo(tokyoToday.minusDays(1).atStartOfDay(tokyo).toInstant());
        JsonNode days = local.json().get("per_day");
        assertThat(days.findValuesAsString("date"))
                .containsExactly(tokyoToday.minusDays(1).toString(), tokyoToday.toString());
        assertThat(days.findValues("created").stream().map(JsonNode::asLong)).containsExactly(0L, 1L);

        JsonNode utc = http.get("/api/v1/history/stats?days=3&board_id=" + b.id).json();
        assertThat(utc.get("tz").asString()).isEqualTo("UTC");
        assertThat(find(utc.get("per_day"), "date", tokyoToday.minusDays(1).toString())
                        .get("created")
                        .asLong())
                .isEqualTo(1);

        Response bad = http.get("/api/v1/history/stats?tz=Mars/Olympus");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("tz");
    }

    @Test
    void historyStatsDefaultToThirtyDaysOfTheWorkspace() {
        Board b = board("Workspace stats");
        insertTask(b.col(0), "Counted", "tester");

        Response r = http.get("/api/v1/history/stats");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("days").asInt()).isEqualTo(30);
        assertThat(r.json().get("board_id").isNull()).isTrue();
        assertThat(r.json().get("per_day")).hasSize(30);
        assertThat(r.json().get("totals").get("created").asLong()).isPositive();
    }

    @Test
    void historyStatsRefuseDaysOutsideOneToAYear() {
        for (String days : List.of("0", "366", "-3", "abc")) {
            Response r = http.get("/api/v1/history/stats?days=" + days);
            assertThat(r.status()).as("days=" + days).isEqualTo(422);
            assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("days");
        }
        assertThat(http.get("/api/v1/history/stats?days=365").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/history/stats?board_id=987654").status()).isEqualTo(404);
    }

    // ---- fixtures ----

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

    /** Runs statements in one transaction whose actor the audit trigger records. */
    private void as(String actor, Consumer<JdbcClient> work) {
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            jdbc.sql("select set_config('kanban.actor', :actor, true)")
                    .param("actor", actor)
                    .query(String.class)
                    .single();
            work.accept(jdbc);
        });
    }

    private long insertTask(long columnId, String title, String actor) {
        long[] id = new long[1];
        as(
                actor,
                sql -> id[0] = sql.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title)
                select c.workspace_id, c.board_id, c.id, coalesce((select max(position) from tasks where column_id = c.id), 0) + 1024, :title
                from board_columns c where c.id = :col
                returning id
                """)
                        .param("col", columnId)
                        .param("title", title)
                        .query(Long.class)
                        .single());
        return id[0];
    }

    private static void move(JdbcClient sql, long task, long column) {
        sql.sql("""
                update tasks set column_id = :col,
                       position = coalesce((select max(position) from tasks where column_id = :col), 0) + 1024
                where id = :id
                """).param("col", column).param("id", task).update();
    }

    /** Sets the occurred_at of the task's creation and moves, in order. */
    private void setTimes(long task, List<Instant> times) {
        List<Long> ids = jdbc.sql(
                        "select id from task_history where task_id = :id and action in ('created', 'moved') order by id")
                .param("id", task)
                .query(Long.class)
                .list();
        assertThat(ids).hasSameSizeAs(times);
        for (int i = 0; i < ids.size(); i++) {
            jdbc.sql("update task_history set occurred_at = :t where id = :id")
                    .param("t", times.get(i).atOffset(ZoneOffset.UTC))
                    .param("id", ids.get(i))
                    .update();
        }
    }

    /** Moves every history row of the task to the given time. */
    private void backdate(long task, Instant at) {
        jdbc.sql("update task_history set occurred_at = :t where task_id = :id")
                .param("t", at.atOffset(ZoneOffset.UTC))
                .param("id", task)
                .update();
    }

    /** A task in a second workspace, created behind the API's back. */
    private long foreignWorkspaceTask() {
        long ws = jdbc.sql("""
                insert into workspaces (slug, name) values ('other-' || substr(md5(random()::text), 1, 8), 'Other') returning id
                """).query(Long.class).single();
        long board = jdbc.sql("insert into boards (workspace_id, name) values (:ws, 'Theirs') returning id")
                .param("ws", ws)
                .query(Long.class)
                .single();
        long col = jdbc.sql(
                        "insert into board_columns (workspace_id, board_id, name, position) values (:ws, :b, 'Todo', 0) returning id")
                .param("ws", ws)
                .param("b", board)
                .query(Long.class)
                .single();
        return jdbc.sql(
                        "insert into tasks (workspace_id, board_id, column_id, position, title) values (:ws, :b, :c, 1, 'secret') returning id")
                .param("ws", ws)
                .param("b", board)
                .param("c", col)
                .query(Long.class)
                .single();
    }

    private static JsonNode find(JsonNode items, String field, String value) {
        for (JsonNode item : items) {
            if (value.equals(item.path(field).asString(null))) {
                return item;
            }
        }
        throw new AssertionError("no item with " + field + " = " + value + " in " + items);
    }
}
