package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * Archive and trash in the browser (issue 17): archive a card from its panel, restore it, delete and
 * restore; a column with cards an agent claimed is refused, naming them, until archived anyway; the
 * screen at phone width and by keyboard.
 */
class WebArchiveTest extends MemberPageTest {

    WebElement row(String list, String title) {
        return browser.until(d -> d.findElements(By.cssSelector("#" + list + " .archive-row")).stream()
                .filter(r -> r.findElement(By.cssSelector(".archive-title"))
                        .getText()
                        .equals(title))
                .findFirst()
                .orElse(null));
    }

    void openArchive() {
        browser.driver().findElement(By.id("open-archive")).click();
        browser.waitVisible(By.id("archive-dialog"));
    }

    void closeArchive() {
        browser.driver()
                .findElement(By.cssSelector("#archive-dialog [data-role=cancel]"))
                .click();
        browser.until(d -> d.findElements(By.id("archive-dialog")).isEmpty());
    }

    @Test
    void aCardIsArchivedFromItsPanelAndRestoredFromTheArchive() {
        long[] b = fx.board("Archive in the browser");
        long id = fx.task(b[0], "old news", "column_id", b[2]);
        fx.task(b[0], "current", "column_id", b[2]);
        browser.openBoard(b[0], null);
        browser.card("old news").click();
        browser.waitVisible(By.cssSelector("#card-panel .archive-card")).click();
        browser.waitForTitles("To Do", List.of("current"));
        assertThat(fx.get(id).get("archived_at").isNull()).isFalse();

        openArchive();
        WebElement restore = row("archived-cards", "old news").findElement(By.cssSelector(".restore-card"));
        assertThat(restore.getAttribute("aria-label")).contains("Restore", "old news");
        restore.click();
        browser.until(d ->
                d.findElements(By.cssSelector("#archived-cards .archive-row")).isEmpty());
        closeArchive();
        browser.waitForTitles("To Do", List.of("current", "old news"));
        assertThat(fx.get(id).get("archived_at").isNull()).isTrue();
    }

    @Test
    void aDeletedCardWaitsInTheTrashAndComesBack() {
        long[] b = fx.board("Trash in the browser");
        long id = fx.task(b[0], "deleted by mistake", "column_id", b[2]);
        browser.openBoard(b[0], null);
        browser.card("deleted by mistake").click();
        browser.waitVisible(By.cssSelector("#card-panel .delete-card")).click();
        browser.waitVisible(By.cssSelector("#confirm-dialog [data-role=ok]")).click();
        browser.waitForTitles("To Do", List.of());
        assertThat(alice.get("/api/v1/tasks/" + id).status()).isEqualTo(404);

        openArchive();
        WebElement trashed = row("trashed-cards", "deleted by mistake");
        assertThat(trashed.getText()).contains("deleted by alice");
        // members restore; only admins see "Delete forever"
        assertThat(trashed.findElements(By.cssSelector(".purge-card"))).isEmpty();
        trashed.findElement(By.cssSelector(".restore-card")).click();
        browser.until(d ->
                d.findElements(By.cssSelector("#trashed-cards .archive-row")).isEmpty());
        closeArchive();
        browser.waitForTitles("To Do", List.of("deleted by mistake"));
    }

    @Test
    void aBoardIsArchivedFromTheTopBarAndRestoredInTheSettings() {
        long[] b = fx.board("Finished project");
        browser.openBoard(b[0], null);
        browser.driver().findElement(By.id("archive-board")).click();
        browser.waitVisible(By.cssSelector("#confirm-dialog [data-role=ok]")).click();
        browser.toastContaining("archived");
        browser.until(d -> d.findElements(By.cssSelector("#board-select option")).stream()
                .noneMatch(o -> o.getText().equals("Finished project")));

        browser.open("/?view=settings&tab=workspaces");
        WebElement restore = browser.until(d -> d.findElements(By.cssSelector("#archived-boards tbody tr")).stream()
                .filter(r -> r.getText().contains("Finished project"))
                .map(r -> r.findElement(By.cssSelector(".restore-board")))
                .findFirst()
                .orElse(null));
        restore.click();
        browser.toastContaining("restored");
        browser.until(d -> d.findElements(By.cssSelector("#board-select option")).stream()
                .anyMatch(o -> o.getText().equals("Finished project")));
    }

    @Test
    void aColumnWithAClaimedCardIsArchivedOnlyWhenAskedToOverrideTheClaim() {
        Http agent = clientFor("claim-bot", defaultWorkspace, Role.AGENT);
        long[] b = fx.board("Claimed column");
        long held = fx.task(b[0], "held by the bot", "column_id", b[2]);
        long free = fx.task(b[0], "nobody holds this", "column_id", b[2]);
        Response claimed = agent.post("/api/v1/tasks/" + held + "/claim", obj());
        assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
        String until = claimed.json().get("claim_expires_at").asString();

        browser.openBoard(b[0], null);
        openArchive();
        new Select(browser.driver().findElement(By.id("archive-column"))).selectByVisibleText("To Do");
        browser.driver().findElement(By.id("archive-column-button")).click();
        browser.waitVisible(By.cssSelector("#confirm-dialog [data-role=ok]")).click();
        WebElement refusal = browser.waitVisible(By.id("archive-claimed"));
        assertThat(refusal.getText()).contains("Nothing was archived", "1 card of “To Do” is claimed");
        List<WebElement> listed = refusal.findElements(By.cssSelector("#archive-claimed-cards li"));
        assertThat(listed).hasSize(1);
        assertThat(listed.getFirst().getText())
                .contains("held by the bot", "#" + held, "claimed by claim-bot", "until");
        assertThat(listed.getFirst().getText())
                .contains((String) browser.js("return new Date(arguments[0]).toLocaleString()", until));
        // the focus moves to the way out, so a keyboard user is where the choice is
        assertThat(browser.js("return document.activeElement.id")).isEqualTo("archive-force");
        assertThat(fx.get(held).get("archived_at").isNull()).isTrue();
        assertThat(fx.get(free).get("archived_at").isNull()).isTrue();
        assertThat(alice.get("/api/v1/tasks/" + held + "/history").body()).doesNotContain("claim_overridden");

        browser.driver().findElement(By.id("archive-force")).click();
        browser.toastContaining("2 cards archived");
        browser.until(d -> d.findElements(By.id("archive-claimed")).stream().noneMatch(WebElement::isDisplayed));
        row("archived-cards", "held by the bot");
        row("archived-cards", "nobody holds this");
        assertThat(fx.get(held).get("archived_at").isNull()).isFalse();
        assertThat(fx.get(free).get("archived_at").isNull()).isFalse();
        assertThat(alice.get("/api/v1/tasks/" + held + "/history").body()).contains("claim_overridden");
        closeArchive();
        browser.waitForTitles("To Do", List.of());
    }

    @Test
    void theArchiveWorksAtPhoneWidthAndByKeyboard() {
        long[] b = fx.board("Archive on a phone");
        fx.task(b[0], "a card with a rather long title that has to wrap on a narrow phone screen", "column_id", b[2]);
        long gone = fx.task(b[0], "in the trash", "column_id", b[2]);
        alice.delete("/api/v1/tasks/" + gone);
        browser.driver().manage().window().setSize(PageChecks.PHONE);
        try {
            browser.openBoard(b[0], null);
            browser.driver().findElement(By.id("open-archive")).sendKeys(Keys.ENTER);
            browser.waitVisible(By.id("archive-dialog"));
            row("trashed-cards", "in the trash");
            PageChecks.phoneAndKeyboard(browser, "#archive-dialog");

            // operated by keyboard alone: the column's cards are archived, the trashed card restored
            WebElement pick = browser.driver().findElement(By.id("archive-column"));
            pick.sendKeys("To");
            assertThat(new Select(pick).getFirstSelectedOption().getText()).isEqualTo("To Do");
            browser.driver().findElement(By.id("archive-column-button")).sendKeys(Keys.ENTER);
            browser.waitVisible(By.cssSelector("#confirm-dialog [data-role=ok]"));
            new Actions(browser.driver()).sendKeys(Keys.ENTER).perform();
            browser.toastContaining("1 card archived");
            row("archived-cards", "a card with a rather long title that has to wrap on a narrow phone screen");
            PageChecks.fitsTheScreen(browser, "#archive-dialog");
            row("trashed-cards", "in the trash")
                    .findElement(By.cssSelector(".restore-card"))
                    .sendKeys(Keys.ENTER);
            browser.until(d -> d.findElements(By.cssSelector("#trashed-cards .archive-row"))
                    .isEmpty());
            new Actions(browser.driver()).sendKeys(Keys.ESCAPE).perform();
            browser.until(d -> d.findElements(By.id("archive-dialog")).isEmpty());
            browser.waitForTitles("To Do", List.of("in the trash"));
        } finally {
            browser.driver().manage().window().setSize(PageChecks.DESKTOP);
        }
    }
}
