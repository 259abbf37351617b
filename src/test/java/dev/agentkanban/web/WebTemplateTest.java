package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/** Board templates in the browser (issue 17): a board from the agent pipeline, a board saved as a template. */
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
}
