package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.task.TaskFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;

/**
 * Makes the README's pictures of the self-service screens (docs/settings-*.png, docs/archive.png,
 * docs/new-board.png). Runs only when asked:
 * {@code ./mvnw -o test -Dtest=SettingsScreenshotTest -Dkanban.screenshot=true}.
 */
@EnabledIfSystemProperty(named = "kanban.screenshot", matches = "true")
class SettingsScreenshotTest extends ApiTest {

    @Test
    void writesScreenshotsOfTheSelfServiceScreens() throws Exception {
        long[] b = new TaskFixtures(http).board("Mobile app launch");
        long old = new TaskFixtures(http).task(b[0], "Beta feedback round 1", "column_id", b[4]);
        http.post("/api/v1/tasks/" + old + "/archive", null);
        long gone = new TaskFixtures(http).task(b[0], "Duplicate of the login bug", "column_id", b[2]);
        http.delete("/api/v1/tasks/" + gone);
        http.post(
                "/api/v1/tokens",
                obj("name", "claude-code", "scopes", List.of("read", "write"), "expires_in_days", 90));
        http.post(
                "/api/v1/webhooks",
                obj("url", "https://hooks.example.com/kanban", "event_types", List.of("task_completed")));
        identities.provision("maya", "maya-password", defaultWorkspace, dev.agentkanban.identity.Role.MEMBER, false);
        identities.provision(
                "triage-bot", "triage-bot-password", defaultWorkspace, dev.agentkanban.identity.Role.AGENT, false);
        try (Browser browser = Browser.start(port)) {
            browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 860));
            browser.signIn("tester", "tester-password");
            for (String tab : List.of("tokens", "members", "webhooks", "transfer")) {
                browser.open("/?view=settings&tab=" + tab);
                browser.waitVisible(By.cssSelector("#tab-" + tab + "[aria-selected=true]"));
                browser.until(d -> !d.findElements(By.cssSelector("#settings-panel .settings-block"))
                        .isEmpty());
                if (tab.equals("tokens")) {
                    browser.waitVisible(By.id("token-name")).sendKeys("ci");
                    browser.driver().findElement(By.id("token-create")).click();
                    browser.waitVisible(By.id("mcp-snippet"));
                }
                write(browser, "settings-" + tab + ".png");
            }
            browser.openBoard(b[0], null);
            browser.driver().findElement(By.id("open-archive")).click();
            browser.waitVisible(By.cssSelector("#archived-cards .archive-row"));
            browser.waitVisible(By.cssSelector("#trashed-cards .archive-row"));
            write(browser, "archive.png");
            browser.driver()
                    .findElement(By.cssSelector("#archive-dialog [data-role=cancel]"))
                    .click();
            browser.driver().findElement(By.id("new-board")).click();
            browser.waitVisible(By.id("new-board-name")).sendKeys("Agent work");
            new org.openqa.selenium.support.ui.Select(browser.driver().findElement(By.id("new-board-template")))
                    .selectByValue("agent-pipeline");
            write(browser, "new-board.png");
        }
    }

    private static void write(Browser browser, String name) throws Exception {
        Path out = Path.of("docs", name);
        Files.createDirectories(out.getParent());
        Files.write(out, browser.screenshot());
    }
}
