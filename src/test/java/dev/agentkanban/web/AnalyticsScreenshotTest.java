package dev.agentkanban.web;

import dev.agentkanban.analytics.History;
import dev.agentkanban.analytics.History.Board;
import dev.agentkanban.support.ApiTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;

/**
 * Makes docs/analytics.png, the picture of a board's analytics page over a month of constructed work.
 * Runs only when asked: {@code ./mvnw -o test -Dtest=AnalyticsScreenshotTest -Dkanban.screenshot=true}.
 */
@EnabledIfSystemProperty(named = "kanban.screenshot", matches = "true")
class AnalyticsScreenshotTest extends ApiTest {

    @Test
    void writesAScreenshotOfTheAnalyticsPage() throws Exception {
        History h = new History(jdbc, http);
        Board b = h.board(
                "Mobile app launch",
                "Backlog",
                "backlog",
                "To Do",
                "todo",
                "In Progress",
                "in_progress",
                "Review",
                "review",
                "Done",
                "done");
        long bl = b.col(0), td = b.col(1), ip = b.col(2), rv = b.col(3), dn = b.col(4);
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(30));
        for (int i = 0; i < 48; i++) {
            Instant created = start.plus(Duration.ofHours(i * 14L));
            long unit = 4 + (i * 7L) % 11; // hours between steps
            Instant toDo = created.plus(Duration.ofHours(unit));
            Instant started = toDo.plus(Duration.ofHours(unit * 3));
            Instant review = started.plus(Duration.ofHours(unit * (2 + i % 4)));
            Instant done = review.plus(Duration.ofHours(unit * 2));
            Instant now = Instant.now();
            long column = !toDo.isBefore(now)
                    ? bl
                    : !started.isBefore(now) ? td : !review.isBefore(now) ? ip : !done.isBefore(now) ? rv : dn;
            boolean completed = column == dn;
            long task = h.task(
                    b,
                    column,
                    completed ? "completed" : column == ip || column == rv ? "in_progress" : "pending",
                    created,
                    completed ? done : null,
                    null);
            h.created(task, b, bl, created);
            if (column != bl) {
                h.moved(task, b, bl, td, toDo);
            }
            if (column == ip || column == rv || column == dn) {
                h.moved(task, b, td, ip, started);
                h.status(task, b, "pending", "in_progress", ip, started);
            }
            if (column == rv || column == dn) {
                h.moved(task, b, ip, rv, review);
            }
            if (completed) {
                h.moved(task, b, rv, dn, done);
                h.status(task, b, "in_progress", "completed", dn, done);
            }
            Instant entered = column == bl
                    ? created
                    : column == td ? toDo : column == ip ? started : column == rv ? review : done;
            h.entered(task, entered);
        }

        try (Browser browser = Browser.start(port)) {
            browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1500));
            browser.signIn("tester", "tester-password");
            browser.open("/analytics.html?ws=" + b.workspace() + "&board=" + b.id() + "&tz=UTC");
            for (String chart : java.util.List.of("cfd", "cycle", "throughput", "aging")) {
                browser.until(d -> !d.findElements(By.cssSelector("[data-chart='" + chart + "'][data-ready] canvas"))
                        .isEmpty());
            }
            browser.until(d ->
                    !d.findElements(By.cssSelector("[data-forecast] table")).isEmpty());
            Path out = Path.of("docs", "analytics.png");
            Files.createDirectories(out.getParent());
            Files.write(out, browser.screenshot());
        }
    }
}
