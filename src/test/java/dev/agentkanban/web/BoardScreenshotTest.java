package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.task.TaskFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;

/**
 * Makes docs/board.png, the README's picture of a populated board. Runs only when asked:
 * {@code ./mvnw -o test -Dtest=BoardScreenshotTest -Dkanban.screenshot=true}.
 */
@EnabledIfSystemProperty(named = "kanban.screenshot", matches = "true")
class BoardScreenshotTest extends ApiTest {

    @Test
    void writesAScreenshotOfAPopulatedBoard() throws Exception {
        Http maya = clientFor("maya", defaultWorkspace, Role.MEMBER);
        TaskFixtures fx = new TaskFixtures(maya);
        Http.Response created = maya.post(
                "/api/v1/boards",
                obj(
                        "name",
                        "Mobile app launch",
                        "columns",
                        List.of(
                                Map.of("name", "Backlog", "kind", "backlog"),
                                Map.of("name", "To Do", "kind", "todo"),
                                Map.of("name", "In Progress", "kind", "in_progress", "wip_limit", 3),
                                Map.of("name", "Review", "kind", "review"),
                                Map.of("name", "Done", "kind", "done"))));
        long board = created.id();
        long[] col = new long[5];
        for (int i = 0; i < 5; i++) {
            col[i] = created.json().get("columns").get(i).get("id").asLong();
        }
        Instant now = Instant.now();
        String overdue = now.minus(2, ChronoUnit.DAYS).toString();
        String soon = now.plus(5, ChronoUnit.DAYS).toString();
        fx.task(
                board,
                "Offline mode for the task list",
                "column_id",
                col[0],
                "priority",
                "low",
                "tags",
                List.of("feature"));
        fx.task(board, "Research push notification providers", "column_id", col[0], "epic", "Notifications");
        fx.task(
                board,
                "Crash when rotating on the login screen",
                "column_id",
                col[1],
                "priority",
                "urgent",
                "assignee",
                "sam",
                "tags",
                List.of("bug"),
                "due_date",
                overdue);
        fx.task(
                board,
                "Write the privacy policy page",
                "column_id",
                col[1],
                "tags",
                List.of("documentation"),
                "due_date",
                soon);
        fx.task(board, "Dark mode colours", "column_id", col[1], "priority", "low", "assignee", "lee");
        long slow = fx.task(
                board,
                "Payment sheet redesign",
                "column_id",
                col[2],
                "priority",
                "high",
                "assignee",
                "maya",
                "tags",
                List.of("feature"),
                "epic",
                "Checkout");
        long mid = fx.task(
                board,
                "Upgrade the build to Gradle 9",
                "column_id",
                col[2],
                "assignee",
                "agent-7",
                "tags",
                List.of("infrastructure"));
        fx.task(
                board,
                "Fix flaky sign-up test",
                "column_id",
                col[2],
                "priority",
                "high",
                "assignee",
                "sam",
                "tags",
                List.of("bug"));
        long review = fx.task(
                board,
                "Onboarding carousel copy",
                "column_id",
                col[3],
                "assignee",
                "lee",
                "tags",
                List.of("documentation"));
        fx.task(board, "App icon in all sizes", "column_id", col[4], "priority", "low");
        fx.task(board, "Store listing screenshots", "column_id", col[4], "assignee", "maya");
        maya.post("/api/v1/tasks/" + slow + "/comments", obj("body", "Design review on Thursday"));
        maya.post("/api/v1/tasks/" + slow + "/comments", obj("body", "Needs the new tokens"));
        maya.post("/api/v1/tasks/" + review + "/comments", obj("body", "Looks good to me"));
        jdbc.sql("update tasks set column_entered_at = now() - interval '9 days' where id = :id")
                .param("id", slow)
                .update();
        jdbc.sql("update tasks set column_entered_at = now() - interval '3 days' where id = :id")
                .param("id", mid)
                .update();

        try (Browser browser = Browser.start(port)) {
            browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1560, 760));
            browser.signIn("maya", "maya-password");
            browser.openBoard(board, null);
            browser.card("Payment sheet redesign");
            browser.until(d -> !d.findElements(By.cssSelector(".age-critical, .age-warning"))
                    .isEmpty());
            browser.js("document.activeElement && document.activeElement.blur()");
            Path out = Path.of("docs", "board.png");
            Files.createDirectories(out.getParent());
            Files.write(out, browser.screenshot());
        }
    }
}
