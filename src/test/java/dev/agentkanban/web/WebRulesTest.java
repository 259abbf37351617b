package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The board's rules screen in Chromium (issue 15): a member creates a rule from the keyboard-usable,
 * labelled form, sees it fire on a new card (live), reads its run log; the screen fits a phone's
 * width and follows dark mode.
 */
class WebRulesTest extends MemberPageTest {

    @Test
    void aMemberCreatesARuleAndSeesItFireOnTheBoard() {
        long[] b = fx.board("Rules on screen");
        browser.openBoard(b[0], null);
        browser.driver().findElement(By.id("edit-rules")).click();
        WebElement name = browser.waitVisible(By.cssSelector("#rules-dialog [name=rule-name]"));
        name.sendKeys("Label new cards");
        new Select(browser.driver().findElement(By.cssSelector("#rules-dialog [name=rule-trigger]")))
                .selectByValue("task_created");
        WebElement action = browser.driver().findElement(By.cssSelector("#rules-dialog .rule-action [name=type]"));
        new Select(action).selectByValue("add_tag");
        browser.driver()
                .findElement(By.cssSelector("#rules-dialog .rule-action [name=value]"))
                .sendKeys("auto-labelled");
        // the button is reached and pressed from the keyboard
        WebElement create = browser.driver().findElement(By.id("create-rule"));
        browser.js("arguments[0].focus()", create);
        create.sendKeys(Keys.ENTER);
        browser.toastContaining("Rule “Label new cards” created");
        browser.until(d -> d.findElements(By.cssSelector("#rule-list .rule-name")).stream()
                .anyMatch(e -> e.getText().equals("Label new cards")));

        // every control of the screen has a label
        Object unlabelled = browser.js("""
                return [...document.querySelectorAll('#rules-dialog input, #rules-dialog select, #rules-dialog button')]
                  .filter(el => !el.hidden && el.offsetParent !== null)
                  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
                  .map(el => el.outerHTML);""");
        assertThat((List<?>) unlabelled).isEmpty();

        // phone width: the dialog fits the screen
        try {
            browser.driver().manage().window().setSize(new Dimension(390, 844));
            long viewport = ((Number) browser.js("return document.documentElement.clientWidth")).longValue();
            long dialog = ((Number)
                            browser.js("return document.querySelector('#rules-dialog').getBoundingClientRect().right"))
                    .longValue();
            assertThat(dialog).isLessThanOrEqualTo(viewport);
        } finally {
            browser.driver().manage().window().setSize(new Dimension(1400, 900));
        }
        // dark mode: the rule rows take the dark surface
        ChromeDriver chrome = browser.driver();
        String light = (String)
                browser.js("return getComputedStyle(document.querySelector('#rule-list .rule-row')).backgroundColor");
        try {
            chrome.executeCdpCommand(
                    "Emulation.setEmulatedMedia",
                    Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
            String dark = (String) browser.js(
                    "return getComputedStyle(document.querySelector('#rule-list .rule-row')).backgroundColor");
            assertThat(dark).isNotEqualTo(light);
        } finally {
            chrome.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
        browser.confirmModal();

        alice.post("/api/v1/tasks", obj("board_id", b[0], "title", "fresh card"));
        browser.until(d -> browser.card("fresh card").findElements(By.cssSelector(".tag")).stream()
                .anyMatch(t -> t.getText().contains("auto-labelled")));

        browser.driver().findElement(By.id("edit-rules")).click();
        browser.waitVisible(By.cssSelector("#rule-list .rule-show-runs")).click();
        browser.until(d -> d.findElements(By.cssSelector("#rule-list .rule-runs li")).stream()
                .anyMatch(e -> e.getText().startsWith("applied")));
        browser.confirmModal();
    }

    /** A rule the service switched off (its column was deleted) shows why in the rules screen. */
    @Test
    void aRuleSwitchedOffWithItsColumnSaysWhy() {
        long[] b = fx.board("Rules without their column");
        var created = alice.post(
                "/api/v1/boards/" + b[0] + "/rules",
                obj(
                        "name", "Into review",
                        "trigger", obj("type", "task_moved", "column_id", b[2]),
                        "actions", List.of(obj("type", "add_tag", "tag", "reviewing"))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var deleted = alice.delete("/api/v1/boards/" + b[0] + "/columns/" + b[2]);
        assertThat(deleted.status()).as(deleted.body()).isIn(200, 204);

        browser.openBoard(b[0], null);
        browser.driver().findElement(By.id("edit-rules")).click();
        WebElement reason = browser.waitVisible(By.cssSelector("#rule-list .rule-disabled-reason"));
        assertThat(reason.getText()).startsWith("Switched off: column").contains("was deleted");
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#rule-list input[type=checkbox]"))
                        .isSelected())
                .isFalse();
        browser.confirmModal();
    }
}
