package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

/** The card panel: editing every field, tags, evidence with an image preview, history, "Move to", hints, and columns. */
class WebCardPanelTest extends MemberPageTest {

    /** A 1×1 PNG. */
    static final byte[] PNG = Base64.getDecoder()
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");

    WebElement open(String title) {
        browser.card(title).click();
        return browser.waitVisible(By.id("card-panel"));
    }

    WebElement field(String name) {
        return browser.waitVisible(By.cssSelector("#card-panel [name=" + name + "]"));
    }

    @Test
    void editingTheFieldsInThePanelSavesThemAndTheCardShowsThem() {
        long[] b = fx.board("Panel");
        long id = fx.task(b[0], "plain card", "column_id", b[2]);
        browser.openBoard(b[0], null);
        open("plain card");
        field("description").sendKeys("## Plan\n- first **step**\n- second");
        assertThat(browser.waitVisible(By.cssSelector("#card-panel .description-preview li strong"))
                        .getText())
                .isEqualTo("step");
        field("acceptance_criteria").sendKeys("It works");
        new Select(field("priority")).selectByValue("urgent");
        field("assignee").sendKeys("carol");
        field("epic").sendKeys("Launch");
        field("tags").sendKeys("bug, frontend");
        browser.js(
                "const d = arguments[0]; d.value = '2020-01-31'; d.dispatchEvent(new Event('input'))",
                field("due_date"));
        browser.driver().findElement(By.cssSelector("#card-panel .save-card")).click();
        browser.until(d -> d.findElements(By.cssSelector("#card-panel[open]")).isEmpty());

        JsonNode task = fx.get(id);
        assertThat(task.get("description").asString()).startsWith("## Plan");
        assertThat(task.get("acceptance_criteria").asString()).isEqualTo("It works");
        assertThat(task.get("priority").asString()).isEqualTo("urgent");
        assertThat(task.get("assignee").asString()).isEqualTo("carol");
        assertThat(task.get("epic").asString()).isEqualTo("Launch");
        assertThat(task.get("overdue").asBoolean()).isTrue();
        assertThat(task.get("tags").findValuesAsString("name")).containsExactlyInAnyOrder("bug", "frontend");

        WebElement card = browser.card("plain card");
        browser.until(d -> card.findElements(By.cssSelector(".tag")).size() == 2);
        WebElement bug = card.findElements(By.cssSelector(".tag")).stream()
                .filter(t -> t.getText().equals("bug"))
                .findFirst()
                .orElseThrow();
        assertThat(bug.getCssValue("background-color")).isNotEqualTo("rgba(0, 0, 0, 0)");
        assertThat(card.findElement(By.cssSelector(".due")).getAttribute("class"))
                .contains("overdue");
        assertThat(card.findElement(By.cssSelector(".assignee")).getText()).isEqualTo("@carol");
        assertThat(card.getAttribute("class")).contains("priority-urgent");
    }

    List<String> assignees(long id) {
        return fx.get(id).get("assignees").valueStream().map(JsonNode::asString).toList();
    }

    void typeAssignees(String names) {
        WebElement input = field("assignee");
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(names);
        browser.driver().findElement(By.cssSelector("#card-panel .save-card")).click();
        browser.until(d -> d.findElements(By.cssSelector("#card-panel[open]")).isEmpty());
    }

    @Test
    void thePanelEditsSeveralAssigneesAndTheCardShowsThemAll() {
        clientFor("bob", defaultWorkspace, dev.agentkanban.identity.Role.MEMBER);
        clientFor("dana", defaultWorkspace, dev.agentkanban.identity.Role.MEMBER);
        long[] b = fx.board("Several assignees");
        long id = fx.task(b[0], "pair on it", "column_id", b[2], "assignee", "bob");
        browser.openBoard(b[0], null);
        open("pair on it");
        assertThat(field("assignee").getDomProperty("value")).isEqualTo("bob");

        typeAssignees("bob, dana");
        browser.until(d -> assignees(id).equals(List.of("bob", "dana")));
        browser.until(d -> browser.card("pair on it")
                .findElement(By.cssSelector(".assignee"))
                .getText()
                .equals("@bob @dana"));

        // back to one of them: the other is no longer assigned
        open("pair on it");
        assertThat(field("assignee").getDomProperty("value")).isEqualTo("bob, dana");
        typeAssignees("bob");
        browser.until(d -> assignees(id).equals(List.of("bob")));

        // someone who is not a member cannot be one of several: refused by name, nothing changed
        open("pair on it");
        field("assignee").sendKeys(", nobody-here");
        browser.driver().findElement(By.cssSelector("#card-panel .save-card")).click();
        assertThat(browser.toastContaining("nobody-here")).contains("Not saved");
        assertThat(assignees(id)).containsExactly("bob");
        browser.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();
        browser.confirmModal();

        open("pair on it");
        typeAssignees("");
        browser.until(d -> assignees(id).isEmpty());
    }

    @Test
    void theUnassignedFilterShowsOnlyCardsNobodyIsAssignedToAndLivesInTheUrl() {
        clientFor("erin", defaultWorkspace, dev.agentkanban.identity.Role.MEMBER);
        long[] b = fx.board("Unassigned filter");
        fx.task(b[0], "taken", "column_id", b[2], "assignee", "erin");
        fx.task(b[0], "up for grabs", "column_id", b[2]);
        fx.task(b[0], "also free", "column_id", b[3]);
        browser.openBoard(b[0], null);
        browser.waitForTitles("To Do", List.of("taken", "up for grabs"));

        WebElement unassigned = browser.driver().findElement(By.cssSelector("#filters [name=unassigned]"));
        assertThat(browser.js("return arguments[0].labels[0].textContent.trim()", unassigned))
                .isEqualTo("Unassigned");
        unassigned.sendKeys(Keys.SPACE);
        browser.waitForTitles("To Do", List.of("up for grabs"));
        browser.waitForTitles("In Progress", List.of("also free"));
        browser.until(d -> d.getCurrentUrl().contains("unassigned=true"));

        browser.driver().navigate().refresh();
        browser.waitForTitles("To Do", List.of("up for grabs"));
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#filters [name=unassigned]"))
                        .isSelected())
                .isTrue();
        browser.driver().findElement(By.id("clear-filters")).click();
        browser.waitForTitles("To Do", List.of("taken", "up for grabs"));
        browser.until(d -> !d.getCurrentUrl().contains("unassigned"));
    }

    @Test
    void aHintIsAppliedFromThePanelAndANewOneArrivesLive() {
        long[] b = fx.board("Hinted panel");
        long id = fx.task(b[0], "App crashes on save", "column_id", b[2]);
        long priority = alice.post(
                        "/api/v1/tasks/" + id + "/hints",
                        obj(
                                "type",
                                "priority",
                                "message",
                                "mentions \"crash\" <img src=x onerror=alert(1)>",
                                "suggestion",
                                obj("priority", "high"),
                                "source",
                                "worker:priority"))
                .id();
        browser.openBoard(b[0], null);
        open("App crashes on save");

        WebElement hint = browser.waitVisible(By.cssSelector("#card-panel .hint[data-hint-id='" + priority + "']"));
        assertThat(hint.findElement(By.cssSelector(".hint-message")).getText())
                .isEqualTo("mentions \"crash\" <img src=x onerror=alert(1)>");
        assertThat(hint.findElements(By.tagName("img"))).isEmpty();
        assertThat(hint.findElement(By.cssSelector(".hint-change")).getText()).isEqualTo("priority: high");
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#card-panel .hints-section h3"))
                        .getText())
                .isEqualTo("Hints (1)");

        hint.findElement(By.cssSelector(".apply-hint")).click();
        browser.until(d -> new Select(field("priority"))
                .getFirstSelectedOption()
                .getAttribute("value")
                .equals("high"));
        assertThat(fx.get(id).get("priority").asString()).isEqualTo("high");
        assertThat(alice.get("/api/v1/hints/" + priority)
                        .json()
                        .get("resolved_by")
                        .asString())
                .isEqualTo("alice");
        browser.until(d -> d.findElements(By.cssSelector("#card-panel .hint")).isEmpty());
        browser.until(
                d -> browser.card("App crashes on save").getAttribute("class").contains("priority-high"));

        // a hint proposed while the panel is open shows up (hints_available), and Dismiss takes it away
        long stale = alice.post(
                        "/api/v1/tasks/" + id + "/hints", obj("type", "stale", "message", "untouched for a while"))
                .id();
        WebElement arrived = browser.waitVisible(By.cssSelector("#card-panel .hint[data-hint-id='" + stale + "']"));
        arrived.findElement(By.cssSelector(".dismiss-hint")).click();
        browser.until(d -> d.findElements(By.cssSelector("#card-panel .hint")).isEmpty());
        assertThat(alice.get("/api/v1/hints/" + stale).json().get("status").asString())
                .isEqualTo("dismissed");
        browser.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();
    }

    @Test
    void evidenceUploadsAndAnImageShowsAsAPreview() throws Exception {
        long[] b = fx.board("Evidence");
        long id = fx.task(b[0], "with proof", "column_id", b[2]);
        Path png = Files.createTempFile("proof", ".png");
        Files.write(png, PNG);
        browser.openBoard(b[0], null);
        open("with proof");
        browser.waitVisible(By.cssSelector("#card-panel .evidence-form input[type=file]"))
                .sendKeys(png.toString());
        browser.driver()
                .findElement(By.cssSelector("#card-panel .evidence-form [name=note]"))
                .sendKeys("screenshot of the fix");
        browser.driver()
                .findElement(By.cssSelector("#card-panel .evidence-form button[type=submit]"))
                .click();
        WebElement img = browser.waitVisible(By.cssSelector("#card-panel img.evidence-preview"));
        browser.until(d -> img.getAttribute("src").startsWith("blob:")
                && Boolean.TRUE.equals(
                        browser.js("return arguments[0].complete && arguments[0].naturalWidth === 1", img)));
        assertThat(alice.get("/api/v1/tasks/" + id + "/evidence")
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(1);
        browser.until(d ->
                d.findElements(By.cssSelector("#card-panel .history-entry")).size() >= 1);
        browser.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();
        Files.deleteIfExists(png);
    }

    @Test
    void theHistoryTimelineNamesWhoDidWhat() {
        long[] b = fx.board("History");
        long id = fx.task(b[0], "tracked", "column_id", b[2]);
        alice.post("/api/v1/tasks/" + id + "/move", obj("column_id", b[3]));
        browser.openBoard(b[0], null);
        open("tracked");
        browser.until(d -> d.findElements(By.cssSelector("#card-panel .history-entry")).stream()
                .anyMatch(e -> e.getText().contains("alice") && e.getText().contains("In Progress")));
        browser.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();
    }

    @Test
    void aLongChangedTextShowsItsStartInTheTimelineAndWholeAsItsTooltip() {
        long[] b = fx.board("Long history");
        long id = fx.task(b[0], "long edit", "column_id", b[2]);
        String text = "word ".repeat(2_000).strip(); // 9,999 characters
        long comment = alice.post("/api/v1/tasks/" + id + "/comments", obj("body", "first words"))
                .id();
        alice.patch("/api/v1/comments/" + comment, obj("body", text)); // its history row holds both texts
        browser.openBoard(b[0], null);
        open("long edit");
        WebElement shown = browser.waitVisible(By.cssSelector("#card-panel .history-change .new[title]"));
        assertThat(shown.getText()).hasSize(201).endsWith("…");
        assertThat(shown.getDomAttribute("title")).isEqualTo(text);
    }

    @Test
    void moveToInThePanelIsTheKeyboardFreeWayToMoveACard() {
        long[] b = fx.board("Move to");
        fx.task(b[0], "travelling", "column_id", b[2]);
        fx.task(b[0], "resident", "column_id", b[4]);
        browser.openBoard(b[0], null);
        open("travelling");
        new Select(field("move_column")).selectByVisibleText("Done");
        new Select(field("move_where")).selectByValue("bottom");
        browser.driver().findElement(By.cssSelector("#card-panel .move-button")).click();
        browser.waitForTitles("Done", List.of("resident", "travelling"));
        browser.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();
        browser.openBoard(b[0], null);
        browser.waitForTitles("Done", List.of("resident", "travelling"));
    }

    @Test
    void movingACardFromThePanelKeepsItsUnsavedEditsAndIsNoConflict() {
        long[] b = fx.board("Move with edits");
        long id = fx.task(b[0], "half edited", "column_id", b[2]);
        browser.openBoard(b[0], null);
        open("half edited");
        field("description").sendKeys("typed before the move");
        field("epic").sendKeys("Launch");
        new Select(field("move_column")).selectByVisibleText("Done");
        browser.driver().findElement(By.cssSelector("#card-panel .move-button")).click();
        browser.waitForTitles("Done", List.of("half edited"));
        // the page's own move (its event may come before its answer) is not someone else's change
        browser.until(d -> d.findElement(By.cssSelector("#card-panel .panel-notice"))
                .getText()
                .equals("Moved to Done."));
        assertThat(field("description").getDomProperty("value")).isEqualTo("typed before the move");
        assertThat(field("epic").getDomProperty("value")).isEqualTo("Launch");
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#card-panel .panel-facts .status"))
                        .getText())
                .isEqualToIgnoringCase("completed");

        browser.driver().findElement(By.cssSelector("#card-panel .save-card")).click();
        browser.until(d -> d.findElements(By.cssSelector("#card-panel[open]")).isEmpty());
        JsonNode task = fx.get(id);
        assertThat(task.get("description").asString()).isEqualTo("typed before the move");
        assertThat(task.get("epic").asString()).isEqualTo("Launch");
        assertThat(task.get("column_id").asLong()).isEqualTo(b[4]);
        assertThat(task.get("status").asString()).isEqualTo("completed");
    }

    @Test
    void aSaveWhoseTagsAreRefusedKeepsTheFieldsItSavedAndTheNextSaveIsNoConflict() {
        long[] b = fx.board("Partly saved");
        long id = fx.task(b[0], "two steps", "column_id", b[2]);
        browser.openBoard(b[0], null);
        open("two steps");
        field("epic").sendKeys("Launch");
        field("tags").sendKeys("ok, " + "x".repeat(51)); // a tag name has at most 50 characters
        browser.driver().findElement(By.cssSelector("#card-panel .save-card")).click();
        assertThat(browser.toastContaining("Partly saved")).contains("50 characters");
        assertThat(fx.get(id).get("epic").asString()).isEqualTo("Launch");

        WebElement tags = field("tags");
        tags.clear();
        tags.sendKeys("ok");
        browser.driver().findElement(By.cssSelector("#card-panel .save-card")).click();
        // before: the panel still held the version before its own epic change, so this save was a 412
        // and the panel showed someone else's conflict
        browser.until(d -> d.findElements(By.cssSelector("#card-panel[open]")).isEmpty());
        JsonNode task = fx.get(id);
        assertThat(task.get("epic").asString()).isEqualTo("Launch");
        assertThat(task.get("tags").findValuesAsString("name")).containsExactly("ok");
    }

    @Test
    void longUnbrokenNamesWrapInsideThePanelInsteadOfScrollingItSideways() {
        long[] b = fx.board("Long names");
        String title = "W".repeat(500);
        fx.task(b[0], title, "column_id", b[2], "assignee", "a".repeat(100), "epic", "E".repeat(200));
        browser.openBoard(b[0], null);
        open(title);
        browser.waitVisible(By.cssSelector("#card-panel .panel-assignees"));
        // the history names the title too
        browser.waitVisible(By.cssSelector("#card-panel .history-section .history-entry"));
        PageChecks.noBlockScrollsSideways(browser, "#card-panel");
        Number left = (Number) browser.js("return document.getElementById('panel-title').getBoundingClientRect().left"
                + " - document.getElementById('card-panel').getBoundingClientRect().left");
        assertThat(left.doubleValue())
                .as("the title field starts inside the panel")
                .isPositive();
        browser.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();
    }

    @Test
    void columnsCanBeAddedRenamedReorderedAndGivenAWipLimit() {
        long[] b = fx.board("Columns");
        browser.openBoard(b[0], null);
        browser.driver().findElement(By.id("edit-columns")).click();
        WebElement dialog = browser.waitVisible(By.id("columns-dialog"));
        dialog.findElement(By.cssSelector(".add-column")).click();
        List<WebElement> rows = dialog.findElements(By.cssSelector(".column-row"));
        WebElement added = rows.get(rows.size() - 1);
        added.findElement(By.cssSelector("[name=name]")).sendKeys("Review");
        new Select(added.findElement(By.cssSelector("[name=kind]"))).selectByValue("review");
        added.findElement(By.cssSelector("[name=wip_limit]")).sendKeys("2");
        added.findElement(By.cssSelector(".up")).click();
        WebElement todo = rows.get(1).findElement(By.cssSelector("[name=name]"));
        todo.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Ready");
        browser.confirmModal();
        browser.until(d -> d.findElements(By.cssSelector("#board .column-name")).stream()
                .map(WebElement::getText)
                .toList()
                .equals(List.of("Backlog", "Ready", "In Progress", "Review", "Done")));
        assertThat(browser.column("Review")
                        .findElement(By.cssSelector(".column-count"))
                        .getText())
                .isEqualTo("0/2");
        JsonNode columns = alice.get("/api/v1/boards/" + b[0] + "/columns").json();
        assertThat(columns.findValuesAsString("name"))
                .containsExactly("Backlog", "Ready", "In Progress", "Review", "Done");
        assertThat(columns.get(3).get("wip_limit").asInt()).isEqualTo(2);
        assertThat(columns.get(3).get("kind").asString()).isEqualTo("review");
    }

    /**
     * The column editor saves with the board's version: a column added elsewhere while it is open is a
     * conflict shown in the dialog, which stays open with what was typed, instead of being deleted.
     */
    @Test
    void columnsChangedElsewhereWhileTheEditorIsOpenAreAConflictNotDeleted() {
        long[] b = fx.board("Columns raced");
        browser.openBoard(b[0], null);
        browser.driver().findElement(By.id("edit-columns")).click();
        WebElement dialog = browser.waitVisible(By.id("columns-dialog"));
        JsonNode theirs = alice.get("/api/v1/boards/" + b[0] + "/columns").json();
        List<Object> specs = new java.util.ArrayList<>();
        theirs.forEach(c -> specs.add(obj(
                "id",
                c.get("id").asLong(),
                "name",
                c.get("name").asString(),
                "kind",
                c.get("kind").asString())));
        specs.add(obj("name", "QA by Bob", "kind", "review"));
        assertThat(alice.put("/api/v1/boards/" + b[0] + "/columns", obj("columns", specs))
                        .status())
                .isEqualTo(200);

        WebElement wip = dialog.findElements(By.cssSelector(".column-row [name=wip_limit]"))
                .get(2);
        wip.sendKeys("5");
        dialog.findElement(By.cssSelector("[data-role=ok]")).click();

        WebElement notice = browser.waitVisible(By.cssSelector("#columns-dialog .notice-conflict"));
        assertThat(notice.getText()).contains("changed the columns");
        assertThat(wip.getAttribute("value")).as("the typed edit is kept").isEqualTo("5");
        assertThat(alice.get("/api/v1/boards/" + b[0] + "/columns").json().findValuesAsString("name"))
                .contains("QA by Bob");
        notice.findElement(By.cssSelector(".load-columns")).click();
        browser.until(d -> dialog.findElements(By.cssSelector(".column-row [name=name]")).stream()
                .anyMatch(e -> "QA by Bob".equals(e.getAttribute("value"))));
        dialog.findElements(By.cssSelector(".column-row [name=wip_limit]"))
                .get(2)
                .sendKeys("5");
        browser.confirmModal();
        browser.until(d -> alice.get("/api/v1/boards/" + b[0] + "/columns")
                        .json()
                        .get(2)
                        .path("wip_limit")
                        .asInt()
                == 5);
        assertThat(alice.get("/api/v1/boards/" + b[0] + "/columns").json().findValuesAsString("name"))
                .contains("QA by Bob");
    }

    /**
     * Parts left out (no blockers, a control a role may not use) are left out, not shown as the text
     * "null" (the DOM's replaceChildren writes null as text; the page's fill leaves it out).
     */
    @Test
    void leftOutPartsDoNotShowAsNull() {
        long[] b = fx.board("No nulls");
        fx.task(b[0], "unblocked card", "column_id", b[2]);
        browser.openBoard(b[0], null);
        open("unblocked card");
        browser.waitVisible(By.cssSelector("#card-panel .breakdown-section .subtasks"));
        browser.until(d -> d.findElement(By.cssSelector("#card-panel .comments-section"))
                .getText()
                .startsWith("Comments ("));
        assertThat(browser.driver().findElement(By.id("card-panel")).getText()).doesNotContainPattern("\\bnull\\b");
        browser.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();

        browser.open("/?board=" + b[0] + "&view=settings&tab=members");
        WebElement panel = browser.waitVisible(By.id("settings-panel"));
        browser.until(d -> panel.getText().contains("Only admins"));
        assertThat(panel.getText()).doesNotContainPattern("\\bnull\\b");
    }

    /** A free-text assignee (someone outside the workspace) shows in the panel's header as on the card. */
    @Test
    void aFreeTextAssigneeShowsInThePanelHeader() {
        long[] b = fx.board("Free-text assignee");
        fx.task(b[0], "outsourced card", "assignee", "contractor-kim");
        browser.openBoard(b[0], null);
        open("outsourced card");
        WebElement header = browser.waitVisible(By.cssSelector("#card-panel .panel-assignees"));
        assertThat(header.getText()).isEqualTo("Assignees: contractor-kim");
        browser.driver().findElement(By.cssSelector("#card-panel .panel-close")).click();
    }

    /**
     * A session that ends while a card has unsaved edits (here: signed out elsewhere) asks to sign in
     * again and then puts the edits back on the card, on the version they were made on. A request the
     * page sent with the ended session that answers only after signing in again ends nothing.
     */
    @Test
    void aSessionEndingMidEditKeepsTheCardsEditsOverSigningInAgain() {
        long[] b = fx.board("Session ends");
        long id = fx.task(b[0], "long edit", "column_id", b[2]);
        try {
            browser.openBoard(b[0], null);
            open("long edit");
            field("description").sendKeys("an hour of careful writing");
            String token = (String) browser.js("return sessionStorage.getItem('agent-kanban.token')");
            assertThat(alice.withToken(token).post("/api/v1/auth/logout", null).status())
                    .isEqualTo(204);

            // a save finds the session ended, unless the page heard of it first (its socket closes)
            browser.js("document.querySelector('#card-panel .save-card')?.click()");
            browser.waitVisible(By.id("login-view"));
            assertThat(browser.driver().findElement(By.id("login-message")).getText())
                    .contains("unsaved changes");
            browser.driver().findElement(By.id("login-username")).sendKeys(USER);
            browser.driver().findElement(By.id("login-password")).sendKeys(PASSWORD);
            browser.driver().findElement(By.id("login-submit")).click();

            browser.until(d ->
                    "an hour of careful writing".equals(field("description").getAttribute("value")));
            // a request sent before the new sign-in (its token swapped in and back around the send) answers 401 now
            assertThat(browser.js(
                            "const key = 'agent-kanban.token'; const ended = arguments[0]; const fresh = sessionStorage.getItem(key);"
                                    + " return import('/js/api.js').then((m) => { sessionStorage.setItem(key, ended);"
                                    + " const sent = m.get('/api/v1/auth/me'); sessionStorage.setItem(key, fresh);"
                                    + " return sent.then(() => 'signed in', (e) => e.status); })",
                            token))
                    .isEqualTo(401L);
            browser.driver()
                    .findElement(By.cssSelector("#card-panel .save-card"))
                    .click();
            browser.until(d -> "an hour of careful writing"
                    .equals(fx.get(id).get("description").asString()));
        } finally {
            browser.signIn(USER, PASSWORD);
        }
    }

    /** A page in use renews its session before the token expires: the person is not signed out mid-work. */
    @Test
    void aPageInUseRenewsItsSessionBeforeItExpires() {
        long[] b = fx.board("Renewed");
        browser.openBoard(b[0], null);
        String before = (String) browser.js("return sessionStorage.getItem('agent-kanban.token')");
        // the token as the page knows it is near its end (an hour's session with 20 s left)
        browser.js("sessionStorage.setItem('agent-kanban.expiry', JSON.stringify({"
                + " expires_at: new Date(Date.now() + 20000).toISOString(), expires_in: 3600 }))");

        browser.driver().findElement(By.id("board")).click();

        String after = browser.until(d -> {
            String t = (String) browser.js("return sessionStorage.getItem('agent-kanban.token')");
            return t != null && !t.equals(before) ? t : null;
        });
        assertThat(alice.withToken(after).get("/api/v1/auth/me").status()).isEqualTo(200);
        String expiry =
                (String) browser.js("return JSON.parse(sessionStorage.getItem('agent-kanban.expiry')).expires_at");
        assertThat(java.time.Instant.parse(expiry))
                .isAfter(java.time.Instant.now().plusSeconds(600));
    }

    /**
     * A due date is a calendar day: one set as a date (2031-03-15, as the API, MCP and imports take it)
     * shows as that day west and east of UTC, and a day picked in the panel is stored as that day.
     */
    @Test
    void aDueDateIsTheSameCalendarDayInEveryTimeZone() {
        long[] b = fx.board("Due days");
        long id = fx.task(b[0], "due on the ides", "column_id", b[2], "due_date", "2031-03-15");
        try {
            for (String zone : List.of("America/Los_Angeles", "Asia/Tokyo")) {
                browser.driver()
                        .executeCdpCommand("Emulation.setTimezoneOverride", java.util.Map.of("timezoneId", zone));
                browser.openBoard(b[0], null);
                assertThat(browser.card("due on the ides")
                                .findElement(By.cssSelector(".due"))
                                .getText())
                        .as(zone)
                        .isEqualTo("Due 3/15/2031");
                open("due on the ides");
                assertThat(field("due_date").getAttribute("value")).as(zone).isEqualTo("2031-03-15");
                browser.driver()
                        .findElement(By.cssSelector("#card-panel .panel-close"))
                        .click();
            }
            open("due on the ides");
            browser.js(
                    "const d = arguments[0]; d.value = '2031-03-20'; d.dispatchEvent(new Event('input'))",
                    field("due_date"));
            browser.driver()
                    .findElement(By.cssSelector("#card-panel .save-card"))
                    .click();
            browser.until(d ->
                    "2031-03-20T00:00:00Z".equals(fx.get(id).get("due_date").asString()));
        } finally {
            browser.driver().executeCdpCommand("Emulation.setTimezoneOverride", java.util.Map.of("timezoneId", ""));
        }
    }
}
