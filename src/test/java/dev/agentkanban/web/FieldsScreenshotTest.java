package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.task.TaskFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;

/**
 * Makes the README's pictures of custom fields (docs/custom-fields.png, docs/custom-fields-board.png).
 * Runs only when asked: {@code ./mvnw -o test -Dtest=FieldsScreenshotTest -Dkanban.screenshot=true}.
 */
@EnabledIfSystemProperty(named = "kanban.screenshot", matches = "true")
class FieldsScreenshotTest extends ApiTest {

    @Test
    void writesScreenshotsOfCustomFields() throws Exception {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Release 2.0");
        http.post("/api/v1/boards/" + b[0] + "/fields", obj("name", "Points", "type", "number", "visible", true));
        http.post(
                "/api/v1/boards/" + b[0] + "/fields",
                obj(
                        "name",
                        "Stage",
                        "type",
                        "single_select",
                        "options",
                        List.of("Idea", "Ready", "Shipped"),
                        "visible",
                        true));
        http.post("/api/v1/boards/" + b[0] + "/fields", obj("name", "Spec", "type", "url"));
        fx.task(b[0], "Checkout page", "column_id", b[2], "fields", Map.of("Points", 8, "Stage", "Ready"));
        fx.task(b[0], "Password reset mail", "column_id", b[2], "fields", Map.of("Points", 3, "Stage", "Idea"));
        fx.task(b[0], "Release notes", "column_id", b[3], "fields", Map.of("Points", 2, "Stage", "Ready"));
        try (Browser browser = Browser.start(port)) {
            browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 860));
            browser.signIn("tester", "tester-password");
            browser.openBoard(b[0], "cf.Points=gte%3A3");
            browser.card("Checkout page");
            write(browser, "custom-fields-board.png");
            browser.driver().findElement(By.id("edit-fields")).click();
            browser.until(d ->
                    d.findElements(By.cssSelector("#fields-dialog .field-row")).size() == 3);
            write(browser, "custom-fields.png");
        }
    }

    private static void write(Browser browser, String name) throws Exception {
        Path out = Path.of("docs", name);
        Files.createDirectories(out.getParent());
        Files.write(out, browser.screenshot());
    }
}
