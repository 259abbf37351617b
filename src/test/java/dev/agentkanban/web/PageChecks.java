package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * Checks of a screen at phone width and by keyboard, shared by the web tests: nothing wider than the
 * screen, no block scrolling sideways inside it, every control labelled and big enough to tap, every
 * control reached with Tab.
 */
final class PageChecks {

    static final Dimension PHONE = new Dimension(390, 844);
    static final Dimension DESKTOP = new Dimension(1400, 900);

    /** The visible, enabled controls inside {@code scope} (a CSS selector). */
    private static final String CONTROLS = """
            return [...document.querySelectorAll(arguments[0] + ' :is(input, select, textarea, button, a[href])')]
              .filter(e => !e.disabled && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
            """;

    private PageChecks() {}

    @SuppressWarnings("unchecked")
    static List<WebElement> controls(Browser browser, String scope) {
        return (List<WebElement>) browser.js(CONTROLS, scope);
    }

    /**
     * The checks of a screen (or dialog) {@code scope} opened at phone width: it fits, every control is
     * labelled, and Tab reaches every control from where the focus is.
     */
    static void phoneAndKeyboard(Browser browser, String scope) {
        fitsTheScreen(browser, scope);
        everyControlIsLabelled(browser, scope);
        tabReachesEveryControl(browser, scope);
    }

    /** The page does not scroll sideways: nothing is wider than the window. */
    static void noSidewaysScroll(Browser browser) {
        Object overflow = browser.js("return document.documentElement.scrollWidth - window.innerWidth");
        Object wide = browser.js("return [...document.querySelectorAll('body *')]"
                + ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5)"
                + ".map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')");
        assertThat(((Number) overflow).intValue())
                .as("elements wider than the screen: %s", wide)
                .isLessThanOrEqualTo(0);
    }

    /**
     * No block inside {@code scope} scrolls sideways either: a table or a snippet wider than its block
     * (shown with a scroll bar of its own) fails, though the page itself fits.
     */
    static void noBlockScrollsSideways(Browser browser, String scope) {
        Object scrolling = browser.js("""
                return [...document.querySelectorAll(arguments[0] + ', ' + arguments[0] + ' *')]
                  .filter(e => e.getClientRects().length > 0 && e.scrollWidth > e.clientWidth + 1
                    && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
                  .map(e => e.tagName.toLowerCase() + '#' + e.id + '.' + e.className
                    + ' (' + e.scrollWidth + ' px in ' + e.clientWidth + ')')
                """, scope);
        assertThat((List<?>) scrolling).as("blocks that scroll sideways").isEmpty();
    }

    /**
     * Nothing makes the page or a block of {@code scope} scroll sideways, and every control of
     * {@code scope} lies within the screen.
     */
    @SuppressWarnings("unchecked")
    static void fitsTheScreen(Browser browser, String scope) {
        noSidewaysScroll(browser);
        noBlockScrollsSideways(browser, scope);
        for (WebElement c : controls(browser, scope)) {
            Object box = browser.js(
                    "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right, r.width, r.height]", c);
            List<Number> b = (List<Number>) box;
            String name = describe(browser, c);
            assertThat(b.get(0).doubleValue()).as("left edge of %s", name).isGreaterThanOrEqualTo(-1);
            assertThat(b.get(1).doubleValue()).as("right edge of %s", name).isLessThanOrEqualTo(PHONE.width + 1.0);
            // big enough to tap (WCAG 2.2's minimum target size, 24 by 24 CSS pixels)
            if (!"checkbox".equals(c.getAttribute("type"))) {
                assertThat(b.get(2).doubleValue()).as("width of %s", name).isGreaterThanOrEqualTo(24);
                assertThat(b.get(3).doubleValue()).as("height of %s", name).isGreaterThanOrEqualTo(24);
            }
        }
    }

    /** Every control of {@code scope} has an accessible name: a label, an aria-label or (buttons) its text. */
    static void everyControlIsLabelled(Browser browser, String scope) {
        List<WebElement> all = controls(browser, scope);
        assertThat(all).isNotEmpty();
        for (WebElement c : all) {
            Object named = browser.js("""
                    const e = arguments[0];
                    if (e.hasAttribute('aria-label') && e.getAttribute('aria-label').trim()) return true;
                    if (e.hasAttribute('aria-labelledby')) return true;
                    if (e.tagName === 'BUTTON' || e.tagName === 'A') return e.textContent.trim().length > 0;
                    return !!(e.labels && [...e.labels].some(l => l.textContent.trim().length > 0));
                    """, c);
            assertThat(named).as("a label for %s", describe(browser, c)).isEqualTo(true);
        }
    }

    /**
     * Starting from the focused element, Tab visits every control of {@code scope}; answers the
     * controls in the order Tab reached them.
     */
    static List<String> tabReachesEveryControl(Browser browser, String scope) {
        List<WebElement> all = controls(browser, scope);
        Set<String> wanted = new LinkedHashSet<>();
        for (WebElement c : all) {
            wanted.add(describe(browser, c));
        }
        List<String> visited = new ArrayList<>();
        for (int i = 0; i < 2 * all.size() + 4 && !visited.containsAll(wanted); i++) {
            new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
            Object active = browser.js("return document.activeElement");
            if (active instanceof WebElement e) {
                String d = describe(browser, e);
                if (wanted.contains(d) && !visited.contains(d)) {
                    visited.add(d);
                }
            }
        }
        assertThat(visited).as("controls reached with Tab").containsExactlyInAnyOrderElementsOf(wanted);
        return visited;
    }

    /** A control's tag, id and accessible text, to name it in a failure and tell controls apart. */
    static String describe(Browser browser, WebElement e) {
        return (String) browser.js("""
                const e = arguments[0];
                const all = [...document.querySelectorAll(e.tagName)];
                return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '[' + all.indexOf(e) + '] '
                  + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40);
                """, e);
    }
}
