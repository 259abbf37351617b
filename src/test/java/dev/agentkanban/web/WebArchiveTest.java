package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Archive and trash in the browser (issue 17): archive a card from its panel, restore it, delete and restore. */
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
}
