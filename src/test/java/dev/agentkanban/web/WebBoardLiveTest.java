package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.task.TaskFixtures;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Two people on one board, each in their own browser: what one does appears in the other without a
 * reload, flashed and named. An edit in progress is never silently overwritten: the panel says who
 * changed the card and lets the person choose.
 */
class WebBoardLiveTest extends ApiTest {

    Browser alicePage;
    Browser bobPage;
    Http alice;
    Http bob;
    TaskFixtures fx;

    @BeforeAll
    void startBrowsers() {
        alice = clientFor("alice", defaultWorkspace, Role.MEMBER);
        bob = clientFor("bob", defaultWorkspace, Role.MEMBER);
        fx = new TaskFixtures(alice);
        alicePage = Browser.start(port);
        alicePage.signIn("alice", "alice-password");
        bobPage = Browser.start(port);
        bobPage.signIn("bob", "bob-password");
    }

    @AfterAll
    void stopBrowsers() {
        if (alicePage != null) {
            alicePage.close();
        }
        if (bobPage != null) {
            bobPage.close();
        }
    }

    @Test
    void aCardAddedMovedAndRenamedInOneBrowserAppearsInTheOtherWithoutAReload() {
        long[] b = fx.board("Shared");
        fx.task(b[0], "existing", "column_id", b[2]);
        alicePage.openBoard(b[0], null);
        bobPage.openBoard(b[0], null);
        bobPage.js("window.__sameDocument = true");

        WebElement todo = alicePage.column("To Do");
        todo.findElement(By.cssSelector(".add-card")).click();
        todo.findElement(By.cssSelector(".quick-add input")).sendKeys("From Alice", Keys.ENTER);
        bobPage.waitForTitles("To Do", List.of("From Alice", "existing"));
        WebElement flashed = bobPage.card("From Alice");
        String actor = bobPage.until(d -> flashed.findElements(By.cssSelector(".card-actor")).stream()
                .map(WebElement::getText)
                .filter("alice"::equals)
                .findFirst()
                .orElse(null));
        assertThat(actor).isEqualTo("alice");

        alicePage.card("existing").sendKeys("m");
        alicePage.card("existing").sendKeys(Keys.ARROW_RIGHT);
        alicePage.card("existing").sendKeys(Keys.ENTER);
        bobPage.waitForTitles("In Progress", List.of("existing"));
        bobPage.waitForTitles("To Do", List.of("From Alice"));

        long id = fx.order(b[3]).getFirst();
        alice.patch("/api/v1/tasks/" + id, obj("title", "renamed by the API"));
        bobPage.card("renamed by the API");
        alicePage.card("renamed by the API");
        assertThat(bobPage.js("return window.__sameDocument === true"))
                .as("no reload happened")
                .isEqualTo(true);
    }

    @Test
    void aReorderWithinAColumnElsewhereAppearsWithoutAReload() {
        long[] b = fx.board("Reordered elsewhere");
        long first = fx.task(b[0], "first", "column_id", b[2]);
        fx.task(b[0], "second", "column_id", b[2]);
        long third = fx.task(b[0], "third", "column_id", b[2]);
        bobPage.openBoard(b[0], null);
        bobPage.until(d -> "live".equals(d.findElement(By.id("live-status")).getAttribute("data-status")));
        bobPage.js("window.__sameDocument = true");

        // a reorder does not change the task's version: the page must still take it
        assertThat(alice.post("/api/v1/tasks/" + third + "/move", obj("column_id", b[2], "before_id", first))
                        .status())
                .isEqualTo(200);

        bobPage.waitForTitles("To Do", List.of("third", "first", "second"));
        assertThat(bobPage.js("return window.__sameDocument === true"))
                .as("no reload happened")
                .isEqualTo(true);
    }

    /**
     * A tag renamed or deleted elsewhere changes the cards carrying it: the board applies the event to
     * them (the tag's new name, or without it) instead of loading the board again.
     */
    @Test
    void aTagRenamedOrDeletedElsewhereChangesItsCardsWithoutALoad() {
        long[] b = fx.board("Retagged elsewhere");
        long tag = http.post("/api/v1/tags", obj("name", "Web-Tag")).id();
        fx.task(b[0], "tagged card", "column_id", b[2], "tags", List.of("Web-Tag", "bug"));
        bobPage.openBoard(b[0], null);
        bobPage.until(d -> "live".equals(d.findElement(By.id("live-status")).getAttribute("data-status")));
        assertThat(tagsOf(bobPage.card("tagged card"))).containsExactly("bug", "Web-Tag");
        bobPage.js("window.__sameDocument = true; window.__loads = 0; const real = window.fetch;"
                + " window.fetch = (url, opts) => { if (/tasks[?]per_column/.test(String(url))) window.__loads++;"
                + " return real(url, opts); };");

        assertThat(http.patch("/api/v1/tags/" + tag, obj("name", "A-Renamed")).status())
                .isEqualTo(200);
        bobPage.until(d -> tagsOf(bobPage.card("tagged card")).equals(List.of("A-Renamed", "bug")));

        assertThat(http.delete("/api/v1/tags/" + tag).status()).isEqualTo(204);
        bobPage.until(d -> tagsOf(bobPage.card("tagged card")).equals(List.of("bug")));
        assertThat(bobPage.js("return window.__sameDocument === true && window.__loads"))
                .as("no reload, no load of the board")
                .isEqualTo(0L);
    }

    private static List<String> tagsOf(WebElement card) {
        return card.findElements(By.cssSelector(".card-tags .tag")).stream()
                .map(WebElement::getText)
                .toList();
    }

    @Test
    void aCardChangedElsewhereWhileBeingEditedShowsAConflictInsteadOfOverwriting() {
        long[] b = fx.board("Conflict");
        long id = fx.task(b[0], "contested", "column_id", b[2]);
        bobPage.openBoard(b[0], null);
        bobPage.card("contested").click();
        WebElement description = bobPage.waitVisible(By.cssSelector("#card-panel textarea[name=description]"));
        description.sendKeys("Bob's careful notes");

        alice.patch("/api/v1/tasks/" + id, obj("title", "changed by alice"));
        WebElement notice = bobPage.waitVisible(By.cssSelector("#card-panel .notice-conflict"));
        assertThat(notice.getText()).contains("alice").contains("not saved");
        assertThat(fx.get(id).get("description").isNull()).isTrue();

        bobPage.driver()
                .findElement(By.xpath("//dialog[@id='card-panel']//button[text()='Keep mine and overwrite']"))
                .click();
        bobPage.until(
                d -> "Bob's careful notes".equals(fx.get(id).get("description").asString()));
        assertThat(fx.get(id).get("title").asString()).isEqualTo("changed by alice");
    }

    /**
     * A comment elsewhere is a new version of the card but no conflicting edit: the board and the open
     * panel take the version from the event, so an inline title edit and a panel save that follow are
     * not refused as stale, and the panel shows the new comment.
     */
    @Test
    void aCommentElsewhereIsShownAndDoesNotMakeTheNextEditAConflict() {
        long[] b = fx.board("Commented elsewhere");
        long id = fx.task(b[0], "discussed", "column_id", b[2]);
        long other = fx.task(b[0], "titled", "column_id", b[2]);
        bobPage.openBoard(b[0], null);
        bobPage.until(d -> "live".equals(d.findElement(By.id("live-status")).getAttribute("data-status")));

        alice.post("/api/v1/tasks/" + other + "/comments", obj("body", "on the title"));
        bobPage.until(d -> bobPage.card("titled").getText().contains("1 comment"));
        bobPage.card("titled").findElement(By.cssSelector(".card-edit")).click();
        bobPage.waitVisible(By.cssSelector(".card-title-input"))
                .sendKeys(Keys.chord(Keys.CONTROL, "a"), "retitled", Keys.ENTER);
        bobPage.until(d -> "retitled".equals(fx.get(other).get("title").asString()));

        bobPage.card("discussed").click();
        WebElement description = bobPage.waitVisible(By.cssSelector("#card-panel textarea[name=description]"));
        description.sendKeys("Bob's notes");
        alice.post("/api/v1/tasks/" + id + "/comments", obj("body", "hello from alice"));
        bobPage.until(d -> d.findElement(By.cssSelector("#card-panel .comments-section"))
                .getText()
                .contains("hello from alice"));
        bobPage.driver().findElement(By.cssSelector("#card-panel .save-card")).click();
        bobPage.until(d -> "Bob's notes".equals(fx.get(id).get("description").asString()));
        assertThat(bobPage.driver().findElements(By.cssSelector("#card-panel .notice-conflict")))
                .isEmpty();
    }

    /** Tags changed elsewhere show in the open panel; tags being edited there meanwhile are a conflict. */
    @Test
    void tagsChangedElsewhereShowInThePanelAndConflictWithTagsBeingEdited() {
        long[] b = fx.board("Tagged elsewhere");
        long id = fx.task(b[0], "tagged", "column_id", b[2], "tags", List.of("bug"));
        bobPage.openBoard(b[0], null);
        bobPage.card("tagged").click();
        WebElement tags = bobPage.waitVisible(By.cssSelector("#card-panel input[name=tags]"));
        WebElement description = bobPage.waitVisible(By.cssSelector("#card-panel textarea[name=description]"));
        description.sendKeys("kept");

        alice.put("/api/v1/tasks/" + id + "/tags", obj("names", List.of("bug", "feature")));
        bobPage.until(d -> "bug, feature".equals(tags.getAttribute("value")));
        bobPage.driver().findElement(By.cssSelector("#card-panel .save-card")).click();
        bobPage.until(d -> "kept".equals(fx.get(id).get("description").asString()));

        bobPage.card("tagged").click();
        WebElement again = bobPage.waitVisible(By.cssSelector("#card-panel input[name=tags]"));
        again.sendKeys(", urgent");
        alice.put("/api/v1/tasks/" + id + "/tags", obj("names", List.of("feature")));
        WebElement notice = bobPage.waitVisible(By.cssSelector("#card-panel .notice-conflict"));
        assertThat(notice.getText()).contains("alice").contains("not saved");
        assertThat(fx.get(id).get("tags").findValuesAsString("name")).containsExactly("feature");
        bobPage.driver()
                .findElement(By.xpath("//dialog[@id='card-panel']//button[text()='Load their version']"))
                .click();
        bobPage.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();
    }

    /** Without live updates, a tag save over a stale version is refused by the API's 412 (If-Match). */
    @Test
    void savingTagsOverAStaleVersionIsRefused() {
        long[] b = fx.board("Stale tags");
        long id = fx.task(b[0], "stale tags", "column_id", b[2], "tags", List.of("bug"));
        withoutLiveUpdates(() -> {
            bobPage.openBoard(b[0], null);
            bobPage.card("stale tags").click();
            WebElement tags = bobPage.waitVisible(By.cssSelector("#card-panel input[name=tags]"));
            bobPage.js("const real = window.fetch; window.fetch = (url, opts) =>"
                    + " /tasks[?]per_column|[/]events[?]/.test(String(url))"
                    + " ? Promise.reject(new TypeError('offline')) : real(url, opts);");
            bob.put("/api/v1/tasks/" + id + "/tags", obj("names", List.of("bug", "feature")));
            tags.sendKeys(", urgent");
            bobPage.driver()
                    .findElement(By.cssSelector("#card-panel .save-card"))
                    .click();
            WebElement notice = bobPage.waitVisible(By.cssSelector("#card-panel .notice-conflict"));
            assertThat(notice.getText()).contains("changed this card");
            assertThat(fx.get(id).get("tags").findValuesAsString("name")).containsExactly("bug", "feature");
            bobPage.driver()
                    .findElement(By.xpath("//dialog[@id='card-panel']//button[text()='Load their version']"))
                    .click();
            bobPage.driver()
                    .findElement(By.cssSelector("#card-panel .panel-close"))
                    .click();
        });
    }

    /** Runs {@code steps} with pages that open no live socket (they learn of changes from the API alone). */
    private void withoutLiveUpdates(Runnable steps) {
        Object script = bobPage.driver()
                .executeCdpCommand(
                        "Page.addScriptToEvaluateOnNewDocument",
                        java.util.Map.of(
                                "source",
                                "window.WebSocket = class { constructor() { setTimeout(() => this.onclose && this.onclose(), 0); }"
                                        + " send() {} close() {} };"))
                .get("identifier");
        try {
            steps.run();
        } finally {
            bobPage.driver()
                    .executeCdpCommand(
                            "Page.removeScriptToEvaluateOnNewDocument", java.util.Map.of("identifier", script));
        }
    }

    @Test
    void savingOverAStaleVersionIsRefusedAndOffersTheirVersion() {
        long[] b = fx.board("Stale");
        long id = fx.task(b[0], "stale card", "column_id", b[2]);
        // no live socket on this page: it must learn of the change from the API's 412 alone
        withoutLiveUpdates(() -> staleSave(b, id));
    }

    private void staleSave(long[] b, long id) {
        bobPage.openBoard(b[0], null);
        bobPage.card("stale card").click();
        WebElement epic = bobPage.waitVisible(By.cssSelector("#card-panel input[name=epic]"));
        // the page stops hearing about changes (its change feed and board refreshes fail), so only the API's 412 can
        // tell it
        bobPage.js(
                "const real = window.fetch; window.fetch = (url, opts) => /tasks[?]per_column|[/]events[?]/.test(String(url))"
                        + " ? Promise.reject(new TypeError('offline')) : real(url, opts);");
        bob.patch("/api/v1/tasks/" + id, obj("epic", "bob's other tab"));
        epic.sendKeys("mine");
        bobPage.driver().findElement(By.cssSelector("#card-panel .save-card")).click();
        WebElement notice = bobPage.waitVisible(By.cssSelector("#card-panel .notice-conflict"));
        assertThat(notice.getText()).contains("changed this card");
        assertThat(fx.get(id).get("epic").asString()).isEqualTo("bob's other tab");
        bobPage.driver()
                .findElement(By.xpath("//dialog[@id='card-panel']//button[text()='Load their version']"))
                .click();
        bobPage.until(d -> "bob's other tab"
                .equals(d.findElement(By.cssSelector("#card-panel input[name=epic]"))
                        .getAttribute("value")));
        bobPage.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();
    }
}
