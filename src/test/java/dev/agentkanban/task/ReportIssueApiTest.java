package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /tasks/report-issue}, seed 000's agent rule: one task per issue title on a board, found
 * by its normalised title (case, inner and outer whitespace ignored); a repeat counts an occurrence and
 * brings a closed issue back.
 */
class ReportIssueApiTest extends ApiTest {

    TaskFixtures fx;

    @BeforeAll
    void fixtures() {
        fx = new TaskFixtures(http);
    }

    @Test
    void theFirstReportCreatesTheIssueAndRepeatsCountOccurrences() {
        long[] b = fx.board("Issues");
        Response first = http.post(
                "/api/v1/tasks/report-issue",
                obj(
                        "board_id",
                        b[0],
                        "title",
                        "Build fails on  ARM",
                        "description",
                        "linker error",
                        "priority",
                        "high",
                        "tags",
                        List.of("bug")));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.header("Location")).isPresent();
        assertThat(first.json().get("created").asBoolean()).isTrue();
        long id = first.json().get("task").get("id").asLong();
        assertThat(first.json().get("task").get("occurrence_count").asInt()).isEqualTo(1);
        assertThat(first.json().get("task").get("column_id").asLong()).isEqualTo(b[1]);

        Response again =
                http.post("/api/v1/tasks/report-issue", obj("board_id", b[0], "title", "  build FAILS on\tarm "));
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("created").asBoolean()).isFalse();
        assertThat(again.json().get("reopened").asBoolean()).isFalse();
        assertThat(again.json().get("task").get("id").asLong()).isEqualTo(id);
        assertThat(again.json().get("task").get("occurrence_count").asInt()).isEqualTo(2);
        assertThat(again.json().get("task").get("title").asString()).isEqualTo("Build fails on  ARM");
        assertThat(again.json().get("task").get("priority").asString()).isEqualTo("high");

        assertThat(jdbc.sql("""
                select old_value || ' -> ' || new_value from task_history where task_id = :id and action = 'reported_again'
                """).param("id", id).query(String.class).list()).containsExactly("1 -> 2");
        assertThat(count("tasks where board_id = " + b[0])).isEqualTo(1);
    }

    /** A title copied with no-break or other Unicode spaces is the same issue as with plain spaces. */
    @Test
    void unicodeSpacesNormaliseLikeSpaces() {
        long[] b = fx.board("Unicode spaced");
        long id = reported(b[0], "login page crashes");
        Response again = http.post(
                "/api/v1/tasks/report-issue", obj("board_id", b[0], "title", "Login\u00a0page\u3000 crashes\u2009"));
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("task").get("id").asLong()).isEqualTo(id);
        assertThat(again.json().get("task").get("occurrence_count").asInt()).isEqualTo(2);
    }

    /**
     * Punctuation, invisible characters and the width of characters do not make a new issue; a different
     * word does, and letters of other scripts are kept.
     */
    @Test
    void punctuationInvisibleCharactersAndWidthDoNotMakeANewIssue() {
        long[] b = fx.board("Look-alikes");
        long id = reported(b[0], "login page crashes");
        List<String> alike = List.of(
                "Login page crashes.",
                "Login page crashes!",
                "Login-page crashes",
                "Login page crashes\u200b",
                "\uFF2Cogin page crashes",
                "\"Login page\" crashes\u2026");
        for (String title : alike) {
            Response again = http.post("/api/v1/tasks/report-issue", obj("board_id", b[0], "title", title));
            assertThat(again.status()).as(title).isEqualTo(200);
            assertThat(again.json().get("task").get("id").asLong()).as(title).isEqualTo(id);
        }
        assertThat(fx.get(id).get("occurrence_count").asInt()).isEqualTo(1 + alike.size());
        assertThat(reported(b[0], "Login page crashed")).isNotEqualTo(id);
        long german = reported(b[0], "Überprüfung fehlgeschlagen");
        assertThat(reported(b[0], "überprüfung – fehlgeschlagen")).isEqualTo(german);
        assertThat(reported(b[0], "Uberprufung fehlgeschlagen")).isNotEqualTo(german);
    }

    @Test
    void aCompletedIssueComesBackAsANewOccurrence() {
        long[] b = fx.board("Recurring");
        long id = reported(b[0], "Disk full");
        assertThat(http.post("/api/v1/tasks/" + id + "/move", obj("column", "Done"))
                        .json()
                        .get("status")
                        .asString())
                .isEqualTo("completed");

        Response again = http.post("/api/v1/tasks/report-issue", obj("board_id", b[0], "title", "disk full"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("reopened").asBoolean()).isTrue();
        assertThat(again.json().get("task").get("id").asLong()).isEqualTo(id);
        assertThat(again.json().get("task").get("status").asString()).isEqualTo("pending");
        assertThat(again.json().get("task").get("column_id").asLong()).isEqualTo(b[2]);
        assertThat(again.json().get("task").get("occurrence_count").asInt()).isEqualTo(2);
        assertThat(again.json().get("task").get("completed_at").isNull()).isTrue();
        // the reopening took the card out of the done column: a move, as the reopen endpoint's is
        assertThat(jdbc.sql("""
                        select concat_ws(' ', type, payload ->> 'from_column_id', payload ->> 'reported_again')
                        from outbox_events where task_id = :id order by id desc limit 1
                        """).param("id", id).query(String.class).single())
                .isEqualTo("task_moved " + b[4] + " true");
    }

    /**
     * A repeat is always counted: with the to-do column at its WIP limit the issue reopens in the
     * backlog, and with no open column to take it, it stays closed with the occurrence counted.
     */
    @Test
    void aRepeatIsCountedWhereverTheWipLimitsLeaveRoom() {
        long[] b = fx.board("Full columns");
        long id = reported(b[0], "Flaky test");
        http.post("/api/v1/tasks/" + id + "/move", obj("column", "Done"));
        assertThat(http.patch("/api/v1/boards/" + b[0] + "/columns/" + b[2], obj("wip_limit", 1))
                        .status())
                .isEqualTo(200);
        fx.task(b[0], "fills to do", "column_id", b[2]);

        Response backlog = http.post("/api/v1/tasks/report-issue", obj("board_id", b[0], "title", "flaky test"));
        assertThat(backlog.status()).as(backlog.body()).isEqualTo(200);
        assertThat(backlog.json().get("reopened").asBoolean()).isTrue();
        assertThat(backlog.json().get("task").get("column_id").asLong()).isEqualTo(b[1]);
        assertThat(backlog.json().get("task").get("occurrence_count").asInt()).isEqualTo(2);

        http.post("/api/v1/tasks/" + id + "/move", obj("column", "Done"));
        assertThat(http.patch("/api/v1/boards/" + b[0] + "/columns/" + b[1], obj("wip_limit", 1))
                        .status())
                .isEqualTo(200);
        fx.task(b[0], "fills the backlog", "column_id", b[1]);
        Response counted = http.post("/api/v1/tasks/report-issue", obj("board_id", b[0], "title", "FLAKY TEST"));
        assertThat(counted.status()).as(counted.body()).isEqualTo(200);
        assertThat(counted.json().get("reopened").asBoolean()).isFalse();
        assertThat(counted.json().get("task").get("status").asString()).isEqualTo("completed");
        assertThat(counted.json().get("task").get("column_id").asLong()).isEqualTo(b[4]);
        assertThat(counted.json().get("task").get("occurrence_count").asInt()).isEqualTo(3);
    }

    @Test
    void anOpenIssueIsPreferredOverAClosedOneOfTheSameTitle() {
        long[] b = fx.board("Duplicates");
        long closed = fx.task(b[0], "Slow query", "column", "Done");
        long open = fx.task(b[0], "slow query");
        Response r = http.post("/api/v1/tasks/report-issue", obj("board_id", b[0], "title", "SLOW QUERY"));
        assertThat(r.json().get("task").get("id").asLong()).isEqualTo(open);
        assertThat(fx.get(closed).get("occurrence_count").asInt()).isEqualTo(1);
    }

    @Test
    void concurrentReportsOfANewIssueCreateItOnce() throws Exception {
        long[] b = fx.board("Stampede");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String title = i % 2 == 0 ? "Timeout talking to payments" : "timeout  talking to PAYMENTS";
            calls.add(
                    pool.submit(() -> http.post("/api/v1/tasks/report-issue", obj("board_id", b[0], "title", title))));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Response> call : calls) {
            statuses.add(call.get(60, TimeUnit.SECONDS).status());
        }
        pool.shutdown();
        assertThat(statuses).containsOnly(200, 201);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        assertThat(jdbc.sql("select occurrence_count from tasks where board_id = :b")
                        .param("b", b[0])
                        .query(Integer.class)
                        .list())
                .containsExactly(8);
    }

    @Test
    void eachBoardHasItsOwnIssues() {
        long[] one = fx.board("Board one");
        long[] two = fx.board("Board two");
        http.post("/api/v1/tasks/report-issue", obj("board_id", one[0], "title", "Same problem"));
        Response other = http.post("/api/v1/tasks/report-issue", obj("board_id", two[0], "title", "Same problem"));
        assertThat(other.status()).isEqualTo(201);
    }

    @Test
    void invalidReportsChangeNothing() {
        long[] b = fx.board("Invalid reports");
        long tasks = count("tasks");
        long events = count("outbox_events");
        assertThat(http.post("/api/v1/tasks/report-issue", obj("board_id", b[0]))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/tasks/report-issue", obj("board_id", b[0], "title", " "))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/tasks/report-issue", obj("title", "no board"))
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/tasks/report-issue", obj("board_id", 987654, "title", "x"))
                        .status())
                .isEqualTo(404);
        assertThat(http.post("/api/v1/tasks/report-issue", obj("board_id", b[0], "title", "x", "column", "Nowhere"))
                        .status())
                .isEqualTo(422);
        assertThat(count("tasks")).isEqualTo(tasks);
        assertThat(count("outbox_events")).isEqualTo(events);
    }

    /** Reports an issue on the board and answers the task's id. */
    private long reported(long board, String title) {
        return http.post("/api/v1/tasks/report-issue", obj("board_id", board, "title", title))
                .json()
                .get("task")
                .get("id")
                .asLong();
    }
}
