package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The work breakdown on the web board in Chromium (issue 14): a blocked card says so and a drag the
 * API refuses because of blockers snaps back naming them; the blocked and ready filters; cards show
 * checklist and subtask progress;
 * the card panel edits the checklist, turns an item into a subtask and adds a blocker by #id.
 */
class WebBreakdownTest extends MemberPageTest {

    @Test
    void aBlockedCardDraggedIntoWorkSnapsBackNamingItsBlockers() {
        long[] b = fx.board("Blocked drag");
        long blocker = fx.task(b[0], "pour the concrete", "column_id", b[3]);
        long blocked = fx.task(b[0], "raise the walls", "column_id", b[2]);
        assertThat(alice.post("/api/v1/tasks/" + blocked + "/relations", obj("kind", "blocked_by", "task_id", blocker))
                        .status())
                .isEqualTo(201);
        browser.openBoard(b[0], null);
        WebElement card = browser.card("raise the walls");
        assertThat(card.findElement(By.cssSelector(".blocked-badge")).getAttribute("title"))
                .contains("#" + blocker + " pour the concrete");

        new Actions(browser.driver())
                .clickAndHold(card)
                .moveByOffset(10, 10)
                .moveToElement(browser.card("pour the concrete"), 0, 20)
                .moveByOffset(0, 5)
                .release()
                .perform();
        assertThat(browser.toastContaining("blocked by"))
                .contains("Move refused")
                .contains("#" + blocker + " pour the concrete");
        browser.waitForTitles("To Do", List.of("raise the walls"));
        browser.waitForTitles("In Progress", List.of("pour the concrete"));
        assertThat(fx.get(blocked).get("column_id").asLong()).isEqualTo(b[2]);

        // the filters of the toolbar: blocked cards only, then ready ones only
        browser.openBoard(b[0], "blocked=true");
        browser.waitForTitles("To Do", List.of("raise the walls"));
        browser.waitForTitles("In Progress", List.of());
        browser.openBoard(b[0], "ready=true");
        browser.waitForTitles("To Do", List.of());
        browser.waitForTitles("In Progress", List.of("pour the concrete"));
        browser.openBoard(b[0], null);
        browser.card("raise the walls");

        // once the blocker is done, the badge goes
        assertThat(alice.post("/api/v1/tasks/" + blocker + "/complete", null).status())
                .isEqualTo(200);
        browser.until(d -> browser.card("raise the walls")
                .findElements(By.cssSelector(".blocked-badge"))
                .isEmpty());
    }

    @Test
    void thePanelEditsTheChecklistAndTheCardShowsProgress() {
        long[] b = fx.board("Checklist panel");
        long task = fx.task(b[0], "prepare the release", "column_id", b[2]);
        browser.openBoard(b[0], null);
        browser.card("prepare the release")
                .findElement(By.cssSelector(".card-title"))
                .click();
        WebElement text = browser.waitVisible(By.cssSelector("#card-panel .checklist-text"));
        text.sendKeys("write notes");
        browser.driver()
                .findElement(By.cssSelector("#card-panel .checklist-form button"))
                .click();
        browser.until(d ->
                d.findElements(By.cssSelector("#card-panel .checklist-item")).size() == 1);
        browser.waitVisible(By.cssSelector("#card-panel .checklist-text")).sendKeys("tag the build");
        browser.driver()
                .findElement(By.cssSelector("#card-panel .checklist-form button"))
                .click();
        browser.until(d ->
                d.findElements(By.cssSelector("#card-panel .checklist-item")).size() == 2);
        browser.driver()
                .findElement(By.cssSelector("#card-panel .checklist-item input[type=checkbox]"))
                .click();
        browser.until(d -> d.findElements(By.cssSelector("#card-panel .checklist-item.done"))
                        .size()
                == 1);
        browser.until(d -> browser.card("prepare the release")
                .findElement(By.cssSelector(".checklist-badge"))
                .getText()
                .equals("☑ 1/2"));

        // the second item becomes a subtask: a card of its own, counted on the parent
        browser.driver()
                .findElements(By.cssSelector("#card-panel .convert-item"))
                .get(1)
                .click();
        browser.until(d ->
                d.findElements(By.cssSelector("#card-panel .subtask-list li")).size() == 1);
        browser.card("tag the build");
        browser.until(d -> browser.card("prepare the release")
                .findElement(By.cssSelector(".subtask-badge"))
                .getText()
                .startsWith("1 subtask"));

        // the relation picker: this card waits for another one, named by #id; the card says it is blocked
        long other = fx.task(b[0], "get the sign-off", "column_id", b[2]);
        WebElement search = browser.driver().findElement(By.cssSelector("#card-panel .relation-search"));
        search.sendKeys("#" + other);
        browser.driver()
                .findElement(By.cssSelector("#card-panel .add-relation"))
                .click();
        browser.until(d -> d.findElements(By.cssSelector("#card-panel .blockers .task-link")).stream()
                .anyMatch(a -> a.getText().equals("#" + other + " get the sign-off")));
        browser.until(d -> !browser.card("prepare the release")
                .findElements(By.cssSelector(".blocked-badge"))
                .isEmpty());

        // the panel's own save still works after the checklist made new versions of the task
        WebElement assignee = browser.driver().findElement(By.cssSelector("#card-panel input[name=assignee]"));
        assignee.sendKeys("ann");
        browser.driver().findElement(By.cssSelector("#card-panel .save-card")).click();
        browser.until(d -> "ann".equals(fx.get(task).get("assignee").asString()));
        assertThat(alice.get("/api/v1/tasks/" + task + "/checklist").json().get("items"))
                .hasSize(1);
    }

    @Test
    void thePickerSuggestsTasksByTitleAndAChecklistItemIsDraggedIntoPlace() {
        long[] b = fx.board("Picker and drag");
        long task = fx.task(b[0], "ship the parcel", "column_id", b[2]);
        long other = fx.task(b[0], "weigh the parcel first", "column_id", b[2]);
        for (String text : List.of("wrap it", "label it", "post it")) {
            assertThat(alice.post("/api/v1/tasks/" + task + "/checklist", obj("text", text))
                            .status())
                    .isEqualTo(201);
        }
        browser.openBoard(b[0], null);
        browser.card("ship the parcel")
                .findElement(By.cssSelector(".card-title"))
                .click();
        browser.until(d ->
                d.findElements(By.cssSelector("#card-panel .checklist-item")).size() == 3);

        // the checklist's last item dragged by its handle above the first
        List<WebElement> items = browser.driver().findElements(By.cssSelector("#card-panel .checklist-item"));
        WebElement first = items.get(0);
        new Actions(browser.driver())
                .clickAndHold(items.get(2).findElement(By.cssSelector(".drag-handle")))
                .moveByOffset(0, -5)
                .moveToElement(first, 0, -first.getSize().getHeight() / 4)
                .moveByOffset(0, -2)
                .release()
                .perform();
        browser.until(d -> checklistTexts(task).equals(List.of("post it", "wrap it", "label it")));
        browser.until(d -> d.findElements(By.cssSelector("#card-panel .checklist-item label")).stream()
                .map(l -> l.getText().strip())
                .toList()
                .equals(List.of("post it", "wrap it", "label it")));

        // an item deleted, and a subtask made with the quick create
        browser.driver()
                .findElements(By.cssSelector("#card-panel .delete-item"))
                .get(2)
                .click();
        browser.until(d -> checklistTexts(task).equals(List.of("post it", "wrap it")));
        browser.until(d ->
                d.findElements(By.cssSelector("#card-panel .checklist-item")).size() == 2);
        browser.driver()
                .findElement(By.cssSelector("#card-panel .subtask-title"))
                .sendKeys("buy stamps");
        browser.driver()
                .findElement(By.cssSelector("#card-panel .subtask-form button"))
                .click();
        browser.until(d -> d.findElements(By.cssSelector("#card-panel .subtask-list li")).stream()
                .anyMatch(li -> li.getText().contains("buy stamps")));
        browser.card("buy stamps");
        assertThat(alice.get("/api/v1/tasks?parent_id=" + task)
                        .json()
                        .get("items")
                        .get(0)
                        .get("title")
                        .asString())
                .isEqualTo("buy stamps");

        // the relation picker suggests tasks by title; the suggestion names the task by #id
        WebElement search = browser.driver().findElement(By.cssSelector("#card-panel .relation-search"));
        search.sendKeys("weigh the");
        String suggestion = "#" + other + " weigh the parcel first";
        browser.until(d -> browser.js(
                        "return [...document.querySelectorAll('#relation-candidates option')].map(o => o.value)")
                .toString()
                .contains(suggestion));
        search.clear();
        search.sendKeys(suggestion);
        browser.driver()
                .findElement(By.cssSelector("#card-panel .add-relation"))
                .click();
        browser.until(d -> d.findElements(By.cssSelector("#card-panel .blockers .task-link")).stream()
                .anyMatch(a -> a.getText().equals(suggestion)));
        assertThat(alice.get("/api/v1/tasks/" + task)
                        .json()
                        .get("blockers")
                        .get(0)
                        .get("id")
                        .asLong())
                .isEqualTo(other);
    }

    private List<String> checklistTexts(long task) {
        return alice.get("/api/v1/tasks/" + task + "/checklist")
                .json()
                .get("items")
                .valueStream()
                .map(i -> i.get("text").asString())
                .toList();
    }
}
