package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

/**
 * Custom fields in the browser (issue 17): defined on the board's Fields screen, set in the card
 * panel, shown on the card, and filtered by from the filter bar into the URL and back.
 */
class WebCustomFieldsTest extends MemberPageTest {

    @Test
    void aFieldIsDefinedSetOnACardShownAndFilteredBy() {
        long[] b = fx.board("Fields in the page");
        fx.task(b[0], "Checkout page");
        fx.task(b[0], "Small fix");
        browser.openBoard(b[0], null);

        browser.driver().findElement(By.id("edit-fields")).click();
        addField("Points", "number", null, true);
        addField("Stage", "single_select", "Idea, Ready", false);
        browser.until(
                d -> d.findElements(By.cssSelector("#fields-dialog .field-row")).size() == 2);
        assertEveryControlIsLabelled("#fields-dialog");
        browser.driver()
                .findElement(By.cssSelector("#fields-dialog .close-fields"))
                .click();
        browser.until(d -> d.findElements(By.id("fields-dialog")).isEmpty());
        JsonNode defined = alice.get("/api/v1/boards/" + b[0] + "/fields").json();
        assertThat(defined.findValuesAsString("name")).containsExactly("Points", "Stage");

        browser.card("Checkout page").click();
        WebElement points = browser.waitVisible(By.cssSelector("#card-panel [data-field='Points']"));
        assertEveryControlIsLabelled("#card-panel .custom-fields");
        points.sendKeys("5");
        new Select(browser.driver().findElement(By.cssSelector("#card-panel [data-field='Stage']")))
                .selectByVisibleText("Ready");
        browser.driver().findElement(By.cssSelector("#card-panel .save-card")).click();
        browser.toastContaining("Card saved");
        JsonNode task = alice.get("/api/v1/tasks?board_id=" + b[0] + "&q=checkout")
                .json()
                .get("items")
                .get(0);
        assertThat(task.get("fields").get("Points").asInt()).isEqualTo(5);
        assertThat(task.get("fields").get("Stage").asString()).isEqualTo("Ready");
        browser.until(d ->
                browser.card("Checkout page").findElements(By.cssSelector(".card-field[data-field='Points']")).stream()
                        .anyMatch(e -> e.getText().equals("Points: 5")));
        assertThat(browser.card("Checkout page").findElements(By.cssSelector(".card-field[data-field='Stage']")))
                .as("a field not marked for cards shows only in the panel")
                .isEmpty();

        new Select(browser.driver().findElement(By.id("cf-field"))).selectByVisibleText("Points");
        browser.driver().findElement(By.id("cf-value")).sendKeys("gt:3");
        browser.waitForTitles("Backlog", List.of("Checkout page"));
        browser.until(d -> d.getCurrentUrl().contains("cf.Points=gt%3A3"));

        // the link keeps the filter
        browser.open("/?board=" + b[0] + "&cf.Points=lt%3A3");
        browser.until(d -> !d.findElements(By.cssSelector("#board .column")).isEmpty());
        browser.waitForTitles("Backlog", List.of());
        assertThat(browser.driver().findElement(By.id("cf-value")).getAttribute("value"))
                .isEqualTo("lt:3");
        browser.open("/?board=" + b[0] + "&cf.Points=is%3Aempty");
        browser.until(d -> !d.findElements(By.cssSelector("#board .column")).isEmpty());
        browser.waitForTitles("Backlog", List.of("Small fix"));
    }

    @Test
    void theCurrentFiltersAreSavedAsAViewAndPickedAgain() {
        long[] b = fx.board("Views in the page");
        assertThat(alice.post(
                                "/api/v1/boards/" + b[0] + "/fields",
                                java.util.Map.of("name", "Points", "type", "number", "visible", true))
                        .status())
                .isEqualTo(201);
        fx.task(b[0], "Big", "fields", java.util.Map.of("Points", 8));
        fx.task(b[0], "Tiny", "fields", java.util.Map.of("Points", 1));
        browser.openBoard(b[0], "cf.Points=gte%3A5");
        browser.waitForTitles("Backlog", List.of("Big"));

        browser.driver().findElement(By.id("save-view")).click();
        browser.waitVisible(By.id("view-name")).sendKeys("Big ones");
        browser.driver().findElement(By.id("view-shared")).click();
        browser.confirmModal();
        browser.toastContaining("View “Big ones” saved");
        JsonNode views = alice.get("/api/v1/boards/" + b[0] + "/views").json();
        assertThat(views.get(0).get("filters").get("cf.Points").asString()).isEqualTo("gte:5");
        assertThat(views.get(0).get("shared").asBoolean()).isTrue();

        browser.driver().findElement(By.id("clear-filters")).click();
        browser.waitForTitles("Backlog", List.of("Big", "Tiny"));
        new Select(browser.driver().findElement(By.id("view-select"))).selectByVisibleText("Big ones (shared)");
        browser.waitForTitles("Backlog", List.of("Big"));
        browser.until(d -> d.getCurrentUrl().contains("cf.Points=gte%3A5"));
        assertThat(browser.driver().findElement(By.id("delete-view")).isDisplayed())
                .isTrue();
        assertEveryControlIsLabelled("#filters");
    }

    @Test
    void theFieldsScreenWorksAtPhoneWidth() {
        long[] b = fx.board("Fields on a phone");
        browser.driver().manage().window().setSize(new Dimension(390, 844));
        try {
            browser.openBoard(b[0], null);
            browser.driver().findElement(By.id("edit-fields")).click();
            addField("Reviewed", "checkbox", null, true);
            Object overflow = browser.js("return document.documentElement.scrollWidth - window.innerWidth");
            assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
            Object dialogFits = browser.js(
                    "return document.getElementById('fields-dialog').getBoundingClientRect().right <= window.innerWidth");
            assertThat(dialogFits).isEqualTo(true);
            browser.driver()
                    .findElement(By.cssSelector("#fields-dialog .close-fields"))
                    .click();
        } finally {
            browser.driver().manage().window().setSize(new Dimension(1400, 900));
        }
    }

    private void addField(String name, String type, String options, boolean onCards) {
        WebElement nameInput = browser.waitVisible(By.id("new-field-name"));
        nameInput.sendKeys(name);
        new Select(browser.driver().findElement(By.id("new-field-type"))).selectByValue(type);
        if (options != null) {
            browser.waitVisible(By.id("new-field-options")).sendKeys(options);
        }
        if (onCards) {
            browser.driver().findElement(By.id("new-field-visible")).click();
        }
        browser.driver()
                .findElement(By.cssSelector("#fields-dialog .add-field"))
                .click();
        browser.toastContaining("Field “" + name + "” added");
    }

    private void assertEveryControlIsLabelled(String root) {
        for (WebElement input : browser.driver()
                .findElements(By.cssSelector(root + " input, " + root + " select, " + root + " button"))) {
            Object labelled = browser.js(
                    "const e = arguments[0]; return !!(e.labels && e.labels.length) || e.hasAttribute('aria-label')"
                            + " || (e.tagName === 'BUTTON' && e.textContent.trim().length > 0)",
                    input);
            assertThat(labelled).as(input.getAttribute("outerHTML")).isEqualTo(true);
        }
    }
}
