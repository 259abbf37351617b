package dev.agentkanban.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.analytics.History.Board;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Forecasts over a constructed history: on board Steady two tasks were completed at noon UTC on each of
 * the 30 days before today, so every simulated day finishes exactly two; board Idle finished nothing.
 */
class ForecastTest extends ApiTest {

    private Board steady;
    private Board idle;
    private final LocalDate today = LocalDate.now(ZoneOffset.UTC);

    @BeforeAll
    void history() {
        History h = new History(jdbc, http);
        steady = h.board("Steady", "To Do", "todo", "Done", "done");
        idle = h.board("Idle", "To Do", "todo", "Done", "done");
        for (int d = 1; d <= 30; d++) {
            var noon = today.minusDays(d).atTime(12, 0).toInstant(ZoneOffset.UTC);
            for (int i = 0; i < 2; i++) {
                long t = h.task(steady, steady.col(1), "completed", noon.minusSeconds(3600), noon, null);
                h.created(t, steady, steady.col(0), noon.minusSeconds(3600));
                h.moved(t, steady, steady.col(0), steady.col(1), noon);
                h.status(t, steady, "pending", "completed", steady.col(1), noon);
            }
        }
    }

    @Test
    void aSteadyThroughputGivesCertainAnswers() {
        String date = today.plusDays(2).toString();
        Response r = http.get("/api/v1/analytics/boards/" + steady.id() + "/forecast?count=10&date=" + date);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode f = r.json();
        assertThat(f.get("samples")
                        .valueStream()
                        .map(JsonNode::asLong)
                        .distinct()
                        .toList())
                .containsExactly(2L);
        assertThat(f.get("samples")).hasSize(30);
        assertThat(f.get("runs").asInt()).isEqualTo(10_000);
        // 10 tasks at 2 a day: five days, today being the first
        for (String p : List.of("p50", "p85", "p95")) {
            assertThat(f.get("when").get(p).asString())
                    .isEqualTo(today.plusDays(4).toString());
            assertThat(f.get("how_many").get(p).asLong()).isEqualTo(6); // today and two more days
        }
        assertThat(f.get("how_many").get("days").asInt()).isEqualTo(3);
    }

    @Test
    void theForecastDownloadsAsCsvWithTheJsonsAnswers() {
        String date = today.plusDays(2).toString();
        Response csv =
                http.get("/api/v1/analytics/boards/" + steady.id() + "/forecast?count=10&format=csv&date=" + date);
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        String done = today.plusDays(4).toString();
        assertThat(csv.body())
                .isEqualTo("question,count,date,p50,p85,p95\r\n"
                        + "when,10,," + done + "," + done + "," + done + "\r\n"
                        + "how_many,," + date + ",6,6,6\r\n");
    }

    @Test
    void withoutThroughputThereIsNoDate() {
        JsonNode f = http.get("/api/v1/analytics/boards/" + idle.id() + "/forecast?count=3&date=" + today)
                .json();
        assertThat(f.get("when").get("p50").isNull()).isTrue();
        assertThat(f.get("how_many").get("p95").asLong()).isZero();
    }

    @Test
    void theSameSeedGivesTheSameRunsAndAnotherSeedOthers() {
        MonteCarlo a = new MonteCarlo(List.of(0L, 1L, 3L, 0L, 5L), 7);
        MonteCarlo b = new MonteCarlo(List.of(0L, 1L, 3L, 0L, 5L), 7);
        MonteCarlo c = new MonteCarlo(List.of(0L, 1L, 3L, 0L, 5L), 8);
        assertThat(a.doneWithin(10)).isEqualTo(b.doneWithin(10)).isNotEqualTo(c.doneWithin(10));
        assertThat(a.daysToFinish(20)).isEqualTo(b.daysToFinish(20));
        // nearest rank: at least 85 % of the runs reach atLeast(.., 0.85); at most 85 % finish later than atMost
        long[] done = a.doneWithin(10);
        long floor85 = MonteCarlo.atLeast(done, 0.85);
        assertThat(java.util.Arrays.stream(done).filter(v -> v >= floor85).count())
                .isGreaterThanOrEqualTo(8_500);
        assertThat(java.util.Arrays.stream(done).filter(v -> v > floor85).count())
                .isLessThan(8_500);
        int[] days = a.daysToFinish(20);
        int by85 = MonteCarlo.atMost(days, 0.85);
        assertThat(java.util.Arrays.stream(days).filter(v -> v <= by85).count()).isGreaterThanOrEqualTo(8_500);
        assertThat(java.util.Arrays.stream(days).filter(v -> v < by85).count()).isLessThan(8_500);
    }

    @Test
    void questionsMustBeAsked() {
        String base = "/api/v1/analytics/boards/" + steady.id() + "/forecast";
        for (String[] bad : List.of(
                new String[] {"", "count"},
                new String[] {"?count=0", "count"},
                new String[] {"?date=2001-01-01", "date"},
                new String[] {"?count=5&history_days=0", "history_days"},
                new String[] {"?count=5&tz=Nowhere/Land", "tz"})) {
            Response r = http.get(base + bad[0]);
            assertThat(r.status()).as(bad[0] + " " + r.body()).isEqualTo(422);
            assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo(bad[1]);
        }
    }
}
