package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.Http;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * What the page must never do: run markup a user typed (every field shows an XSS payload literally),
 * or pretend a move happened that the server refused (a WIP-limit refusal snaps back with the reason).
 * Also: 5,000 cards on one board load a page per column, with "show more" for the rest.
 */
class WebBoardSafetyTest extends MemberPageTest {

    static final String IMG = "<img src=x onerror=\"window.__xss=1\">";
    static final String SCRIPT = "<script>window.__xss=2</script>";
    static final String LINK = "[click me](javascript:window.__xss=3)";

    @Test
    void xssPayloadsInEveryFieldShowLiterallyAndNeverRun() {
        Http.Response created = alice.post(
                "/api/v1/boards",
                obj(
                        "name",
                        "Board " + IMG,
                        "columns",
                        List.of(
                                Map.of("name", "Col " + SCRIPT, "kind", "todo"),
                                Map.of("name", "Done", "kind", "done"))));
        long board = created.id();
        long column = created.json().get("columns").get(0).get("id").asLong();
        long task = fx.task(
                board,
                IMG,
                "column_id",
                column,
                "description",
                SCRIPT + "\n\n" + LINK + "\n\n**bold** " + IMG,
                "acceptance_criteria",
                SCRIPT,
                "epic",
                IMG,
                "assignee",
                "<b>x</b>",
                "tags",
                List.of("<i>tag</i>"));
        assertThat(alice.post("/api/v1/tasks/" + task + "/comments", obj("body", IMG + " " + SCRIPT))
                        .status())
                .isEqualTo(201);

        browser.openBoard(board, null);
        WebElement card = browser.card(IMG);
        assertThat(browser.column("Col " + SCRIPT)).isNotNull();
        assertThat(card.findElements(By.tagName("img"))).isEmpty();
        assertThat(card.findElement(By.cssSelector(".tag")).getText()).isEqualTo("<i>tag</i>");
        assertThat(card.findElement(By.cssSelector(".assignee")).getText()).isEqualTo("@<b>x</b>");
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#board-select option:checked"))
                        .getText())
                .isEqualTo("Board " + IMG);

        card.click();
        browser.waitVisible(By.id("card-panel"));
        WebElement preview = browser.waitVisible(By.cssSelector("#card-panel .description-preview"));
        assertThat(preview.getText())
                .contains(SCRIPT)
                .contains("[click me](javascript:window.__xss=3)")
                .contains(IMG);
        assertThat(preview.findElements(By.tagName("a"))).isEmpty();
        assertThat(preview.findElements(By.tagName("img"))).isEmpty();
        assertThat(preview.findElement(By.tagName("strong")).getText()).isEqualTo("bold");
        WebElement comment = browser.waitVisible(By.cssSelector("#card-panel .comment-body"));
        assertThat(comment.getText()).isEqualTo(IMG + " " + SCRIPT);
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#card-panel .panel-title"))
                        .getAttribute("value"))
                .isEqualTo(IMG);
        browser.until(d ->
                !d.findElements(By.cssSelector("#card-panel .history-entry")).isEmpty());

        assertThat(browser.js("return window.__xss === undefined")).isEqualTo(true);
        assertThat(browser.driver().findElements(By.cssSelector("#board img, #card-panel img")))
                .isEmpty();
        browser.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();
    }

    @Test
    void aMoveRefusedForTheWipLimitSnapsBackAndShowsTheServersReason() {
        long[] b = fx.board("WIP");
        alice.patch("/api/v1/boards/" + b[0] + "/columns/" + b[3], obj("wip_limit", 1));
        fx.task(b[0], "in progress already", "column_id", b[3]);
        fx.task(b[0], "waiting", "column_id", b[2]);
        browser.openBoard(b[0], null);
        WebElement count = browser.column("In Progress").findElement(By.cssSelector(".column-count"));
        assertThat(count.getText()).isEqualTo("1/1");
        assertThat(count.getAttribute("class")).contains("wip-reached");

        new Actions(browser.driver())
                .clickAndHold(browser.card("waiting"))
                .moveByOffset(10, 10)
                .moveToElement(browser.card("in progress already"), 0, 20)
                .moveByOffset(0, 5)
                .release()
                .perform();
        assertThat(browser.toastContaining("WIP limit"))
                .contains("Move refused")
                .contains("In Progress");
        browser.waitForTitles("To Do", List.of("waiting"));
        browser.waitForTitles("In Progress", List.of("in progress already"));
        assertThat(fx.order(b[2])).hasSize(1);

        browser.card("waiting").sendKeys("m");
        browser.card("waiting").sendKeys(Keys.ARROW_RIGHT);
        browser.card("waiting").sendKeys(Keys.ENTER);
        browser.waitForTitles("To Do", List.of("waiting"));
        assertThat(fx.order(b[3])).hasSize(1);
    }

    @Test
    void aColumnOverItsWipLimitSaysSoNotOnlyThatTheLimitIsReached() {
        long[] b = fx.board("Over WIP");
        fx.task(b[0], "first", "column_id", b[3]);
        fx.task(b[0], "second", "column_id", b[3]);
        fx.task(b[0], "third", "column_id", b[3]);
        alice.patch("/api/v1/boards/" + b[0] + "/columns/" + b[3], obj("wip_limit", 3));
        browser.openBoard(b[0], null);
        WebElement count = browser.column("In Progress").findElement(By.cssSelector(".column-count"));
        assertThat(count.getText()).isEqualTo("3/3");
        assertThat(count.getAttribute("title")).endsWith("(reached)");
        assertThat(count.getAttribute("class")).contains("wip-reached").doesNotContain("wip-over");

        // the limit lowered below what the column holds (allowed: the cards stay), seen live
        alice.patch("/api/v1/boards/" + b[0] + "/columns/" + b[3], obj("wip_limit", 1));
        browser.until(d -> browser.column("In Progress")
                .findElement(By.cssSelector(".column-count"))
                .getText()
                .equals("3/1"));
        WebElement over = browser.column("In Progress").findElement(By.cssSelector(".column-count"));
        assertThat(over.getAttribute("title")).isEqualTo("3 cards, WIP limit 1 (over by 2)");
        assertThat(over.getAttribute("class")).contains("wip-over");
        assertThat(browser.column("In Progress").getAttribute("class")).contains("wip-over");
        assertThat(over.getCssValue("background-color"))
                .isNotEqualTo(browser.column("To Do")
                        .findElement(By.cssSelector(".column-count"))
                        .getCssValue("background-color"));
    }

    @Test
    void aBoardOfFiveThousandCardsShowsAPagePerColumnAndLoadsMoreOnRequest() {
        long[] b = fx.board("Big");
        jdbc.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title)
                select :ws, :board, :column, g * 1024, 'Bulk card ' || g from generate_series(1, 5000) g
                """)
                .param("ws", defaultWorkspace)
                .param("board", b[0])
                .param("column", b[1])
                .update();
        // No time limit here (it would fail on a busy machine, not on a slow page): that the page
        // renders one page of 50 cards per column, not 5,000, is what keeps it fast, and is asserted.
        browser.openBoard(b[0], null);
        WebElement backlog = browser.column("Backlog");
        browser.until(d -> backlog.findElements(By.cssSelector(".card")).size() == 50);
        assertThat(backlog.findElement(By.cssSelector(".column-count")).getText())
                .isEqualTo("5000");
        WebElement more = backlog.findElement(By.cssSelector(".show-more"));
        assertThat(more.getText()).contains("4950");
        more.click();
        browser.until(d -> backlog.findElements(By.cssSelector(".card")).size() == 100);
        assertThat(browser.titles("Backlog").get(99)).isEqualTo("Bulk card 100");
    }
}
