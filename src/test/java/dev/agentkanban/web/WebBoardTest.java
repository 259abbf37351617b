package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.Http;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The web board in headless Chromium, signed in through the login form as a member: boards, cards,
 * moving (drag and drop and keyboard) with the order persisting across a reload, quick-add, inline
 * edit, comments, deletion with confirmation, and the filter kept in the URL.
 */
class WebBoardTest extends MemberPageTest {

    /** A board with the default columns (Backlog, To Do, In Progress, Done) and tasks in To Do, top first. */
    long[] board(String name, String... todo) {
        long[] b = fx.board(name);
        for (String title : todo) {
            fx.task(b[0], title, "column_id", b[2]);
        }
        return b;
    }

    @Test
    void signingInShowsTheWorkspacesBoardsAndTheBoardsColumnsWithCounts() {
        long[] b = board("Shown board", "first", "second");
        browser.openBoard(b[0], null);
        assertThat(browser.driver().findElements(By.cssSelector("#board .column-name")).stream()
                        .map(WebElement::getText))
                .containsExactly("Backlog", "To Do", "In Progress", "Done");
        assertThat(browser.column("To Do")
                        .findElement(By.cssSelector(".column-count"))
                        .getText())
                .isEqualTo("2");
        assertThat(browser.titles("To Do")).containsExactly("first", "second");
        assertThat(browser.driver().findElement(By.id("user-name")).getText()).isEqualTo(USER);
    }

    @Test
    void creatingABoardThroughThePageOpensItWithTheDefaultColumns() {
        browser.openBoard(board("Some board")[0], null);
        browser.driver().findElement(By.id("new-board")).click();
        browser.waitVisible(By.id("new-board-name")).sendKeys("Launch plan");
        browser.confirmModal();
        browser.until(d -> d.findElement(By.id("board-select")).getAttribute("value") != null
                && d.findElement(By.cssSelector("#board-select option:checked"))
                        .getText()
                        .equals("Launch plan"));
        browser.column("Backlog");
        long id = jdbc.sql("select id from boards where name = 'Launch plan'")
                .query(Long.class)
                .single();
        assertThat(browser.driver().getCurrentUrl()).contains("board=" + id);
    }

    @Test
    void quickAddPutsTheNewCardAtTheTopOfTheColumn() {
        long[] b = board("Quick add", "older");
        browser.openBoard(b[0], null);
        WebElement todo = browser.column("To Do");
        todo.findElement(By.cssSelector(".add-card")).click();
        WebElement input = todo.findElement(By.cssSelector(".quick-add input"));
        input.sendKeys("Fresh idea", Keys.ENTER);
        browser.waitForTitles("To Do", List.of("Fresh idea", "older"));
        assertThat(fx.order(b[2])).hasSize(2);
        assertThat(alice.get("/api/v1/tasks/" + fx.order(b[2]).getFirst())
                        .json()
                        .get("title")
                        .asString())
                .isEqualTo("Fresh idea");
    }

    @Test
    void aTitleTheServerRefusesIsSaidOnceAndAddsNoCard() {
        long[] b = board("Too long", "older");
        browser.openBoard(b[0], null);
        WebElement todo = browser.column("To Do");
        todo.findElement(By.cssSelector(".add-card")).click();
        WebElement input = todo.findElement(By.cssSelector(".quick-add input"));
        // pasted past the field's maxlength (or sent by a page that lost it): the server's 422 decides
        browser.js("arguments[0].removeAttribute('maxlength'); arguments[0].value = 'x'.repeat(501)", input);
        input.sendKeys(Keys.ENTER);
        // the problem's detail already names the field: its field error is not repeated after it
        assertThat(browser.toastContaining("Card not added"))
                .isEqualTo("Card not added: title: must be at most 500 characters");
        assertThat(input.getDomProperty("value")).hasSize(501);
        assertThat(fx.order(b[2])).hasSize(1);
        browser.waitForTitles("To Do", List.of("older"));
    }

    @Test
    void draggingACardToAnotherColumnMovesItAndTheMoveSurvivesAReload() {
        long[] b = board("Drag", "drag me", "stay");
        fx.task(b[0], "already working", "column_id", b[3]);
        browser.openBoard(b[0], null);
        WebElement card = browser.card("drag me");
        WebElement target = browser.column("In Progress").findElement(By.cssSelector(".card"));
        new Actions(browser.driver())
                .clickAndHold(card)
                .moveByOffset(10, 10)
                .moveToElement(target, 0, 20)
                .moveByOffset(0, 5)
                .release()
                .perform();
        browser.waitForTitles("In Progress", List.of("already working", "drag me"));
        browser.until(d -> fx.order(b[3]).size() == 2);
        browser.openBoard(b[0], null);
        browser.waitForTitles("In Progress", List.of("already working", "drag me"));
        assertThat(browser.titles("To Do")).containsExactly("stay");
    }

    @Test
    void draggingACardAboveAnotherReordersTheColumnAndTheOrderSurvivesAReload() {
        long[] b = board("Reorder", "a", "b", "c");
        browser.openBoard(b[0], null);
        // with the socket live: a reorder keeps the task's version, and neither the move's answer nor its
        // live echo may be taken for old news
        browser.until(d -> "live".equals(d.findElement(By.id("live-status")).getAttribute("data-status")));
        WebElement top = browser.card("a");
        new Actions(browser.driver())
                .clickAndHold(browser.card("c"))
                .moveByOffset(0, -10)
                .moveToElement(top, 0, -top.getSize().getHeight() / 4)
                .moveByOffset(0, -2)
                .release()
                .perform();
        browser.waitForTitles("To Do", List.of("c", "a", "b"));
        browser.until(d -> titlesOf(b[2]).equals(List.of("c", "a", "b")));
        browser.openBoard(b[0], null);
        browser.waitForTitles("To Do", List.of("c", "a", "b"));
    }

    @Test
    void keyboardMoveReordersWithinAColumnAndAcrossColumns() {
        long[] b = board("Keyboard", "one", "two", "three");
        browser.openBoard(b[0], null);
        WebElement three = browser.card("three");
        three.sendKeys("m");
        browser.card("three").sendKeys(Keys.ARROW_UP);
        browser.card("three").sendKeys(Keys.ARROW_UP);
        browser.card("three").sendKeys(Keys.ENTER);
        browser.until(d -> titlesOf(b[2]).equals(List.of("three", "one", "two")));
        browser.card("one").sendKeys("m");
        browser.card("one").sendKeys(Keys.ARROW_RIGHT);
        browser.card("one").sendKeys(Keys.ENTER);
        browser.until(d -> titlesOf(b[3]).equals(List.of("one")));
        browser.openBoard(b[0], null);
        browser.waitForTitles("To Do", List.of("three", "two"));
        browser.waitForTitles("In Progress", List.of("one"));
    }

    @Test
    void quickAddByKeyboardAloneKeepsTheFocusInItsColumn() {
        long[] b = board("Keyboard add");
        browser.openBoard(b[0], null);
        WebElement plus = browser.column("Backlog").findElement(By.cssSelector(".add-card"));
        plus.sendKeys(Keys.ENTER);
        WebElement input = browser.column("Backlog").findElement(By.cssSelector(".quick-add input"));
        browser.until(d -> input.equals(d.switchTo().activeElement()));
        input.sendKeys("typed card", Keys.ENTER);
        browser.waitForTitles("Backlog", List.of("typed card"));
        browser.until(d -> input.equals(d.switchTo().activeElement()));
        // Escape closes the form and gives the focus back to the "+" it came from, not to the page
        input.sendKeys(Keys.ESCAPE);
        browser.until(d -> !input.isDisplayed());
        assertThat(browser.driver().switchTo().activeElement()).isEqualTo(plus);
    }

    @Test
    void editingATitleInlineSavesIt() {
        long[] b = board("Inline", "typo titel");
        browser.openBoard(b[0], null);
        browser.card("typo titel").findElement(By.cssSelector(".card-edit")).click();
        WebElement input = browser.waitVisible(By.cssSelector(".card-title-input"));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), "typo title", Keys.ENTER);
        browser.card("typo title");
        browser.until(d -> titlesOf(b[2]).equals(List.of("typo title")));
    }

    @Test
    void doubleClickingATitleEditsItAndEscapeCancels() {
        long[] b = board("Double click", "keep me");
        browser.openBoard(b[0], null);
        new Actions(browser.driver())
                .doubleClick(browser.card("keep me").findElement(By.cssSelector(".card-title")))
                .perform();
        WebElement input = browser.waitVisible(By.cssSelector(".card-title-input"));
        input.sendKeys("changed", Keys.ESCAPE);
        browser.card("keep me");
        assertThat(titlesOf(b[2])).containsExactly("keep me");
    }

    @Test
    void commentsCanBeAddedEditedAndDeletedInTheCardPanel() {
        long[] b = board("Comments", "discuss");
        browser.openBoard(b[0], null);
        browser.card("discuss").click();
        WebElement panel = browser.waitVisible(By.id("card-panel"));
        WebElement box = browser.waitVisible(By.cssSelector("#card-panel .comment-form textarea"));
        box.sendKeys("First thought");
        panel.findElement(By.cssSelector(".comment-form button[type=submit]")).click();
        browser.until(d -> d.findElements(By.cssSelector("#card-panel .comment-body")).stream()
                .anyMatch(e -> e.getText().equals("First thought")));
        long taskId = fx.order(b[2]).getFirst();
        assertThat(alice.get("/api/v1/tasks/" + taskId + "/comments")
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(1);

        browser.waitVisible(By.cssSelector("#card-panel .edit-comment")).click();
        WebElement edit = browser.waitVisible(By.cssSelector("#card-panel .comment-edit textarea"));
        edit.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Second thought");
        browser.driver()
                .findElement(By.cssSelector("#card-panel .comment-edit button[type=submit]"))
                .click();
        browser.until(d -> alice.get("/api/v1/tasks/" + taskId + "/comments")
                .json()
                .get("items")
                .get(0)
                .get("body")
                .asString()
                .equals("Second thought"));

        browser.waitVisible(By.cssSelector("#card-panel .delete-comment")).click();
        browser.confirmModal();
        browser.until(d -> alice.get("/api/v1/tasks/" + taskId + "/comments")
                        .json()
                        .get("total")
                        .asLong()
                == 0);
        browser.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();
    }

    @Test
    void aCommentShowsItsAuthorsDisplayNameWithTheUsernameAsItsTitle() {
        long[] b = board("Comment names", "named");
        long taskId = fx.order(b[2]).getFirst();
        Http bob = clientFor("bob", defaultWorkspace, Role.MEMBER);
        jdbc.sql("update users set display_name = 'Bob Builder' where username = 'bob'")
                .update();
        assertThat(bob.post("/api/v1/tasks/" + taskId + "/comments", Http.obj("body", "Can do"))
                        .status())
                .isEqualTo(201);
        browser.openBoard(b[0], null);
        browser.card("named").click();
        browser.until(d -> d.findElements(By.cssSelector("#card-panel .comment-author")).stream()
                .anyMatch(e -> e.getText().equals("Bob Builder")));
        WebElement author = browser.driver().findElement(By.cssSelector("#card-panel .comment-author"));
        assertThat(author.getAttribute("title")).isEqualTo("bob");
        browser.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();
    }

    @Test
    void deletingACardAsksFirstAndCancelKeepsIt() {
        long[] b = board("Delete card", "doomed");
        browser.openBoard(b[0], null);
        browser.card("doomed").click();
        browser.waitVisible(By.cssSelector("#card-panel .delete-card")).click();
        assertThat(browser.waitVisible(By.cssSelector("#confirm-dialog .confirm-message"))
                        .getText())
                .contains("doomed");
        browser.cancelModal();
        assertThat(fx.order(b[2])).hasSize(1);
        browser.driver().findElement(By.cssSelector("#card-panel .delete-card")).click();
        browser.confirmModal();
        browser.until(d -> fx.order(b[2]).isEmpty());
        browser.waitForTitles("To Do", List.of());
        browser.toastContaining("Card moved to the trash");
    }

    @Test
    void deletingABoardNamesHowManyCardsWillBeLost() {
        long[] b = board("Doomed board", "a", "b", "c");
        browser.openBoard(b[0], null);
        browser.driver().findElement(By.id("delete-board")).click();
        assertThat(browser.waitVisible(By.cssSelector("#confirm-dialog .confirm-message"))
                        .getText())
                .contains("Doomed board")
                .contains("3 cards");
        browser.confirmModal();
        browser.until(d -> alice.get("/api/v1/boards/" + b[0]).status() == 404);
    }

    @Test
    void renamingABoardShowsTheNewName() {
        long[] b = board("Old name");
        browser.openBoard(b[0], null);
        browser.driver().findElement(By.id("rename-board")).click();
        WebElement input = browser.waitVisible(By.cssSelector("#prompt-dialog input"));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), "New name");
        browser.confirmModal();
        browser.until(d -> d.findElement(By.cssSelector("#board-select option:checked"))
                .getText()
                .equals("New name"));
        assertThat(alice.get("/api/v1/boards/" + b[0]).json().get("name").asString())
                .isEqualTo("New name");
    }

    @Test
    void theFilterLivesInTheUrlAndSurvivesAReload() {
        long[] b = board("Filters");
        fx.task(b[0], "Fix login bug", "column_id", b[2], "priority", "high");
        fx.task(b[0], "Write docs", "column_id", b[2], "priority", "low");
        fx.task(b[0], "Login page copy", "column_id", b[3], "priority", "low");
        browser.openBoard(b[0], "q=login");
        browser.waitForTitles("To Do", List.of("Fix login bug"));
        browser.waitForTitles("In Progress", List.of("Login page copy"));
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#filters [name=q]"))
                        .getAttribute("value"))
                .isEqualTo("login");

        new org.openqa.selenium.support.ui.Select(
                        browser.driver().findElement(By.cssSelector("#filters [name=priority]")))
                .selectByValue("high");
        browser.waitForTitles("In Progress", List.of());
        browser.until(d -> d.getCurrentUrl().contains("priority=high"));
        browser.driver().navigate().refresh();
        browser.waitForTitles("To Do", List.of("Fix login bug"));
        browser.waitForTitles("In Progress", List.of());
        assertThat(browser.driver().getCurrentUrl()).contains("q=login").contains("priority=high");

        browser.driver().findElement(By.id("clear-filters")).click();
        browser.waitForTitles("To Do", List.of("Fix login bug", "Write docs"));
        browser.until(d -> !d.getCurrentUrl().contains("q="));
    }

    /** A shared link with a filter value the API refuses loads the board without that filter and says so. */
    @Test
    void aLinksInvalidFilterIsLeftOutAndTheBoardLoads() {
        long[] b = board("Bad link");
        fx.task(b[0], "Fix login bug", "column_id", b[2]);
        fx.task(b[0], "Write docs", "column_id", b[2]);
        browser.openBoard(b[0], "q=login&priority=%3Cscript%3E");
        browser.waitForTitles("To Do", List.of("Fix login bug"));
        browser.toastContaining("filter was left out");
        browser.until(d -> !d.getCurrentUrl().contains("priority="));
        assertThat(browser.driver().getCurrentUrl()).contains("q=login");
    }

    List<String> titlesOf(long columnId) {
        return fx.order(columnId).stream()
                .map(id -> fx.get(id).get("title").asString())
                .toList();
    }
}
