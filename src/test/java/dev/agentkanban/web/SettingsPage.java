package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/** Page operations and accessibility checks the settings screens' browser tests share. */
final class SettingsPage {

    private final Browser browser;

    SettingsPage(Browser browser) {
        this.browser = browser;
    }

    void openTab(String id) {
        browser.open("/?view=settings&tab=" + id);
        browser.waitVisible(By.cssSelector("#tab-" + id + "[aria-selected=true]"));
        browser.until(d -> !d.findElements(By.cssSelector("#settings-panel .settings-block"))
                .isEmpty());
    }

    /** The first row of the table inside {@code #containerId} whose text contains {@code text}. */
    WebElement row(String containerId, String text) {
        return browser.until(d -> d.findElements(By.cssSelector("#" + containerId + " tbody tr")).stream()
                .filter(r -> r.getText().contains(text))
                .findFirst()
                .orElse(null));
    }

    /** Clicks an element after scrolling it to the middle of the screen (clear of the corner toasts). */
    void click(WebElement element) {
        // a person waits for the toasts to go (or dismisses them); the test dismisses them at once
        browser.js(
                "document.querySelectorAll('#toasts .toast').forEach(t => t.remove());"
                        + " arguments[0].scrollIntoView({block: 'center'})",
                element);
        element.click();
    }

    String activeId() {
        return (String) browser.js("return document.activeElement && document.activeElement.id");
    }

    /**
     * Moves the keyboard focus with the Tab key only (from wherever it is) until the element with this
     * id has it; fails when 80 presses never reach it.
     */
    void tabTo(String id) {
        for (int i = 0; i < 80; i++) {
            if (id.equals(activeId())) {
                return;
            }
            new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
        }
        throw new AssertionError("the Tab key never reached #" + id + " (focus is on #" + activeId() + ")");
    }

    /** Types into the focused element with the keyboard. */
    void type(CharSequence... keys) {
        new Actions(browser.driver()).sendKeys(keys).perform();
    }

    /**
     * Asserts the open settings panel at phone width (390 px): nothing wider than the screen, every
     * input and select labelled, every button named, and no control hidden from the keyboard.
     */
    void assertPhoneWidthAndLabels() {
        assertNoHorizontalOverflow();
        Object unlabelled =
                browser.js("return [...document.querySelectorAll('#settings-panel input, #settings-panel select,"
                        + " #settings-panel textarea')].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))"
                        + ".map(e => e.id || e.name || e.outerHTML)");
        assertThat(unlabelled.toString()).as("inputs without a label").isEqualTo("[]");
        Object unnamed = browser.js("return [...document.querySelectorAll('#settings-panel button, #settings-panel a')]"
                + ".filter(e => !(e.getAttribute('aria-label') || e.textContent.trim())).map(e => e.outerHTML)");
        assertThat(unnamed.toString()).as("buttons and links without a name").isEqualTo("[]");
        Object unreachable = browser.js(
                "return [...document.querySelectorAll('#settings-panel button, #settings-panel a,"
                        + " #settings-panel input, #settings-panel select')].filter(e => e.tabIndex < 0).map(e => e.outerHTML)");
        assertThat(unreachable.toString()).as("controls out of the Tab order").isEqualTo("[]");
        Object tooSmall =
                browser.js("return [...document.querySelectorAll('#settings-panel button, #settings-panel input,"
                        + " #settings-panel select')].filter(e => e.offsetParent !== null).filter(e => {"
                        + " const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24 || r.left < 0; })"
                        + ".map(e => e.id || e.className || e.outerHTML)");
        assertThat(tooSmall.toString())
                .as("controls too small to tap or off screen")
                .isEqualTo("[]");
    }

    /** Nothing on the page is wider than the window (the page never scrolls sideways). */
    void assertNoHorizontalOverflow() {
        Object overflow = browser.js("return document.documentElement.scrollWidth - window.innerWidth");
        Object wide = browser.js("return [...document.querySelectorAll('body *')]"
                + ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5)"
                + ".map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')");
        assertThat(((Number) overflow).intValue())
                .as("elements wider than the screen: %s", wide)
                .isLessThanOrEqualTo(0);
    }

    void phone() {
        browser.driver().manage().window().setSize(new Dimension(390, 844));
    }

    void desktop() {
        browser.driver().manage().window().setSize(new Dimension(1400, 900));
    }
}
