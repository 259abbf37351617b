package dev.agentkanban.web;

import org.openqa.selenium.By;
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
     * control labelled, big enough to tap and reached with Tab ({@link PageChecks}).
     */
    void assertPhoneWidthAndLabels() {
        browser.js("document.getElementById('settings-panel').focus()");
        PageChecks.phoneAndKeyboard(browser, "#settings-panel");
    }

    void phone() {
        browser.driver().manage().window().setSize(PageChecks.PHONE);
    }

    void desktop() {
        browser.driver().manage().window().setSize(PageChecks.DESKTOP);
    }
}
