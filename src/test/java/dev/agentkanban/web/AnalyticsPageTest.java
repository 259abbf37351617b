package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.agentkanban.analytics.History;
import dev.agentkanban.analytics.History.Board;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

/**
 * The analytics page in a real Chromium draws exactly the API's numbers: the data each uPlot chart
 * was given equals the flow report (stacked cumulative flow, cycle-time points and percentile lines,
 * throughput bars, aging work), and the tables that stand in for the charts hold the same figures,
 * which for cumulative flow are the ones worked out by hand for this week (as FlowMetricsTest):
 *
 * <pre>
 * A  created 05 10:00 To Do; 06 09:00 In Progress; 08 09:00 Done, completed     cycle 48 h
 * B  created 05 12:00 To Do; 06 12:00 In Progress; 07 12:00 back to To Do;
 *    09 12:00 In Progress; 10 12:00 Done, completed                             cycle 96 h
 * E  created 05 09:00 To Do; 09 00:00 In Progress, still there (aging)
 * </pre>
 */
class AnalyticsPageTest extends ApiTest {

    private Board b;

    private static Instant at(String dayTime) {
        return Instant.parse("2026-01-" + dayTime + ":00Z");
    }

    @BeforeAll
    void history() {
        History h = new History(jdbc, http);
        b = h.board("Charts", "To Do", "todo", "In Progress", "in_progress", "Done", "done");
        long td = b.col(0), ip = b.col(1), dn = b.col(2);
        long a = h.task(b, dn, "completed", at("05T10:00"), at("08T09:00"), null);
        h.created(a, b, td, at("05T10:00"));
        h.moved(a, b, td, ip, at("06T09:00"));
        h.moved(a, b, ip, dn, at("08T09:00"));
        h.status(a, b, "in_progress", "completed", dn, at("08T09:00"));
        long bb = h.task(b, dn, "completed", at("05T12:00"), at("10T12:00"), null);
        h.created(bb, b, td, at("05T12:00"));
        h.moved(bb, b, td, ip, at("06T12:00"));
        h.moved(bb, b, ip, td, at("07T12:00"));
        h.moved(bb, b, td, ip, at("09T12:00"));
        h.moved(bb, b, ip, dn, at("10T12:00"));
        h.status(bb, b, "in_progress", "completed", dn, at("10T12:00"));
        long e = h.task(b, ip, "in_progress", at("05T09:00"), null, null);
        h.created(e, b, td, at("05T09:00"));
        h.moved(e, b, td, ip, at("09T00:00"));
        h.status(e, b, "pending", "in_progress", ip, at("09T00:00"));
    }

    private static final String RANGE = "from=2026-01-05&to=2026-01-11&tz=UTC";

    @Test
    void thePageWithoutABoardInItsAddressShowsTheWorkspacesFirstBoard() {
        try (Browser browser = Browser.start(port)) {
            browser.signIn("tester", "tester-password");
            browser.open("/analytics.html");
            // before: "Cannot open board 0: board 0 does not exist" and empty charts
            browser.until(d -> d.findElement(By.id("board-name")).getText().endsWith(" · analytics"));
            browser.until(d -> !d.findElements(By.cssSelector("[data-chart='cfd'][data-ready] canvas"))
                    .isEmpty());
            assertThat(browser.driver().findElement(By.id("status")).getText()).doesNotContain("Cannot");
            assertThat(browser.driver().findElement(By.id("back-to-board")).getAttribute("href"))
                    .contains("board=");
        }
    }

    @Test
    void chartsDrawTheApisNumbers() {
        Response api = http.get("/api/v1/analytics/boards/" + b.id() + "/flow?" + RANGE);
        assertThat(api.status()).as(api.body()).isEqualTo(200);
        JsonNode report = api.json();
        try (Browser browser = Browser.start(port)) {
            browser.signIn("tester", "tester-password");
            // the board page links to its analytics
            browser.openBoard(b.id(), null);
            WebElement link = browser.waitVisible(By.id("analytics-link"));
            assertThat(link.getAttribute("href")).contains("/analytics.html").contains("board=" + b.id());
            browser.open("/analytics.html?ws=" + b.workspace() + "&board=" + b.id() + "&" + RANGE);
            for (String chart : List.of("cfd", "cycle", "throughput", "aging")) {
                browser.until(d -> !d.findElements(By.cssSelector("[data-chart='" + chart + "'][data-ready] canvas"))
                        .isEmpty());
            }

            // cumulative flow: x = the days, each series the stack of the columns from Done upwards
            List<List<Double>> cfd = data(browser, "cfd");
            int days = report.get("cumulative_flow").size();
            assertThat(cfd.get(0)).hasSize(days);
            for (int d = 0; d < days; d++) {
                JsonNode day = report.get("cumulative_flow").get(d);
                assertThat(cfd.get(0).get(d))
                        .isEqualTo((double) LocalDate.parse(day.get("date").asString())
                                .atStartOfDay(ZoneOffset.UTC)
                                .toEpochSecond());
                double stack = 0;
                int columns = day.get("counts").size();
                for (int k = 0; k < columns; k++) {
                    stack += day.get("counts").get(columns - 1 - k).asLong();
                    assertThat(cfd.get(k + 1).get(d))
                            .as("day %d, stack %d", d, k)
                            .isEqualTo(stack);
                }
            }
            // its table: the hand-worked counts (To Do, In Progress, Done) and WIP
            assertThat(tableRows(browser, "cfd"))
                    .containsExactly(
                            List.of("2026-01-05", "3", "0", "0", "0"),
                            List.of("2026-01-06", "1", "2", "0", "2"),
                            List.of("2026-01-07", "2", "1", "0", "1"),
                            List.of("2026-01-08", "2", "0", "1", "0"),
                            List.of("2026-01-09", "0", "2", "1", "2"),
                            List.of("2026-01-10", "0", "1", "2", "1"),
                            List.of("2026-01-11", "0", "1", "2", "1"));

            // cycle times: one point per completed task, in days, and the percentile lines
            List<List<Double>> cycle = data(browser, "cycle");
            List<Double> expected = new ArrayList<>();
            for (JsonNode c : report.get("completed")) {
                expected.add(c.get("cycle_time_seconds").asDouble() / 86400);
            }
            assertThat(cycle.get(1)).containsExactlyElementsOf(expected);
            assertThat(cycle.get(1)).containsExactly(2.0, 4.0); // A 48 h, B 96 h
            double p50 = report.get("cycle_time").get("p50_seconds").asDouble() / 86400;
            assertThat(p50).isCloseTo(3.0, within(1e-9));
            assertThat(cycle.get(2)).allSatisfy(v -> assertThat(v).isEqualTo(p50));
            assertThat(cycle.get(3).getFirst())
                    .isEqualTo(report.get("cycle_time").get("p85_seconds").asDouble() / 86400);

            // throughput bars: completions per day
            List<Double> bars = new ArrayList<>();
            for (JsonNode d : report.get("throughput_daily")) {
                bars.add(d.get("completed").asDouble());
            }
            assertThat(data(browser, "throughput").get(1)).containsExactlyElementsOf(bars);
            assertThat(bars).containsExactly(0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0);

            // aging: E is the one task in progress, beyond nothing it could be compared with yet
            assertThat(data(browser, "aging").get(1)).hasSize(1);
            assertThat(tableRows(browser, "aging").getFirst().getFirst())
                    .isEqualTo(report.get("aging_wip")
                            .get("tasks")
                            .get(0)
                            .get("task_id")
                            .asString());

            // the forecast and seed 002's colour table are there too
            browser.until(d ->
                    !d.findElements(By.cssSelector("[data-forecast] table")).isEmpty());
            assertThat(tableRows(browser, "colours")).hasSize(3);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<List<Double>> data(Browser browser, String chart) {
        List<List<Object>> raw = (List<List<Object>>) browser.js(
                "return window.kanbanCharts[arguments[0]].data.map(s => Array.from(s, v => v == null ? null : Number(v)))",
                chart);
        List<List<Double>> out = new ArrayList<>();
        for (List<Object> series : raw) {
            out.add(series.stream()
                    .map(v -> v == null ? null : ((Number) v).doubleValue())
                    .toList());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<List<String>> tableRows(Browser browser, String table) {
        return (List<List<String>>) browser.js(
                "return Array.from(document.querySelectorAll(`[data-table='${arguments[0]}'] tbody tr`),"
                        + " tr => Array.from(tr.children, c => c.textContent))",
                table);
    }
}
