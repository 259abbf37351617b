package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * Board templates in the browser (issue 17): a board from the agent pipeline, a board saved as a
 * template; both dialogs at phone width and by keyboard alone.
 */
class WebTemplateTest extends MemberPageTest {

    @Test
    void aBoardIsCreatedFromATemplateAndABoardIsSavedAsOne() {
        long[] start = fx.board("Where we start");
        browser.openBoard(start[0], null);
        browser.driver().findElement(By.id("new-board")).click();
        browser.waitVisible(By.id("new-board-name")).sendKeys("Agent work");
        new Select(browser.driver().findElement(By.id("new-board-template"))).selectByValue("agent-pipeline");
        assertThat(browser.driver()
                        .findElement(By.id("new-board-template-about"))
                        .getText())
                .contains("Backlog → Ready → Claimed → Review → Done");
        browser.confirmModal();
        browser.until(d -> d.findElement(By.cssSelector("#board-select option:checked"))
                .getText()
                .equals("Agent work"));
        browser.until(d -> d.findElements(By.cssSelector("#board .column .column-name")).stream()
                .map(e -> e.getText())
                .toList()
                .equals(List.of("Backlog", "Ready", "Claimed", "Review", "Done")));

        alice.post("/api/v1/tasks", obj("board_id", start[0], "title", "sample card"));
        browser.openBoard(start[0], null);
        browser.driver().findElement(By.id("save-template")).click();
        browser.waitVisible(By.id("template-name")).sendKeys(" v2");
        browser.driver().findElement(By.id("template-cards")).click();
        browser.confirmModal();
        browser.toastContaining("Template “Where we start template v2” saved");
        assertThat(alice.get("/api/v1/templates").body()).contains("Where we start template v2", "sample card");
    }

    void press(CharSequence... keys) {
        new Actions(browser.driver()).sendKeys(keys).perform();
    }

    String focused() {
        return (String) browser.js("return document.activeElement.id");
    }

    @Test
    void theTemplateDialogsWorkAtPhoneWidthAndByKeyboard() {
        long[] start = fx.board("Phone start");
        alice.post("/api/v1/tasks", obj("board_id", start[0], "title", "kept as a sample"));
        browser.driver().manage().window().setSize(PageChecks.PHONE);
        try {
            browser.openBoard(start[0], null);
            browser.driver().findElement(By.id("new-board")).sendKeys(Keys.ENTER);
            browser.waitVisible(By.id("new-board-name"));
            PageChecks.phoneAndKeyboard(browser, "#new-board-dialog");

            // by keyboard alone: the name, the template (typed to choose), then OK
            browser.driver().findElement(By.id("new-board-name")).click();
            assertThat(focused()).isEqualTo("new-board-name");
            press("Bugs on the phone", Keys.TAB);
            assertThat(focused()).isEqualTo("new-board-template");
            press("Bug");
            WebElement template = browser.driver().findElement(By.id("new-board-template"));
            assertThat(new Select(template).getFirstSelectedOption().getDomProperty("value"))
                    .isEqualTo("bug-triage");
            browser.until(d ->
                    d.findElement(By.id("new-board-template-about")).getText().contains("Columns:"));
            PageChecks.fitsTheScreen(browser, "#new-board-dialog");
            press(Keys.TAB, Keys.TAB);
            assertThat(browser.js("return document.activeElement.dataset.role")).isEqualTo("ok");
            press(Keys.ENTER);
            browser.until(d -> d.findElements(By.id("new-board-dialog")).isEmpty());
            browser.until(d -> d.findElement(By.cssSelector("#board-select option:checked"))
                    .getText()
                    .equals("Bugs on the phone"));
            assertThat(alice.get("/api/v1/boards").body()).contains("Bugs on the phone");

            browser.openBoard(start[0], null);
            browser.driver().findElement(By.id("save-template")).sendKeys(Keys.ENTER);
            browser.waitVisible(By.id("template-name"));
            PageChecks.phoneAndKeyboard(browser, "#template-dialog");
            browser.driver().findElement(By.id("template-name")).click();
            press(Keys.END, " (phone)", Keys.TAB, Keys.TAB);
            assertThat(focused()).isEqualTo("template-cards");
            press(Keys.SPACE);
            assertThat(browser.driver().findElement(By.id("template-cards")).isSelected())
                    .isTrue();
            press(Keys.TAB, Keys.TAB);
            assertThat(browser.js("return document.activeElement.dataset.role")).isEqualTo("ok");
            press(Keys.ENTER);
            browser.toastContaining("Template “Phone start template (phone)” saved");
            assertThat(alice.get("/api/v1/templates").body())
                    .contains("Phone start template (phone)", "kept as a sample");
        } finally {
            browser.driver().manage().window().setSize(PageChecks.DESKTOP);
        }
    }
}
