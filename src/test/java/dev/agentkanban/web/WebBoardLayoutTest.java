package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.Http;
import dev.agentkanban.task.TaskFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/** A phone-width screen, dark mode, a viewer's read-only board, signing out, and a wrong password. */
class WebBoardLayoutTest extends MemberPageTest {

    @BeforeAll
    void viewer() {
        clientFor("vera", defaultWorkspace, Role.VIEWER);
    }

    @Test
    void onAPhoneWidthScreenThePageDoesNotOverflowAndAColumnFillsTheWidth() {
        long[] b = fx.board("Phone");
        fx.task(b[0], "a card with a rather long title that has to wrap on a small screen", "column_id", b[2]);
        try {
            browser.driver().manage().window().setSize(new Dimension(390, 844));
            browser.openBoard(b[0], null);
            long viewport = ((Number) browser.js("return document.documentElement.clientWidth")).longValue();
            long page = ((Number) browser.js("return document.documentElement.scrollWidth")).longValue();
            assertThat(page)
                    .as("the page itself never scrolls sideways (only the board does)")
                    .isLessThanOrEqualTo(viewport);
            WebElement column = browser.column("Backlog");
            assertThat(column.getSize().getWidth())
                    .isGreaterThan((int) (viewport * 0.8))
                    .isLessThanOrEqualTo((int) viewport);
            WebElement card = browser.card("a card with a rather long title that has to wrap on a small screen");
            assertThat(card.getSize().getWidth()).isLessThanOrEqualTo((int) viewport);
        } finally {
            browser.driver().manage().window().setSize(new Dimension(1400, 900));
        }
    }

    @Test
    void onABoardWiderThanTheWindowTheFirstColumnShowsWhole() {
        long[] b = fx.board("Wide");
        fx.task(b[0], "first card", "column_id", b[1]);
        for (Dimension size : List.of(new Dimension(1000, 900), new Dimension(390, 844))) {
            try {
                browser.driver().manage().window().setSize(size);
                browser.openBoard(b[0], null);
                browser.card("first card");
                // columns snap to the board's padding, not to the window's edge (which cut off the first one's border)
                Number gap = (Number) browser.js("""
                        const board = document.getElementById('board');
                        return board.querySelector('.column').getBoundingClientRect().left - board.getBoundingClientRect().left
                        """);
                Number padding = (Number)
                        browser.js("return parseFloat(getComputedStyle(document.getElementById('board')).paddingLeft)");
                assertThat(browser.js("return document.getElementById('board').scrollWidth"
                                + " > document.getElementById('board').clientWidth"))
                        .as("the board scrolls sideways at %s", size)
                        .isEqualTo(true);
                assertThat(gap.doubleValue())
                        .as("the first column's distance from the board's edge at %s", size)
                        .isCloseTo(padding.doubleValue(), org.assertj.core.data.Offset.offset(1.0));
            } finally {
                browser.driver().manage().window().setSize(new Dimension(1400, 900));
            }
        }
    }

    @Test
    void darkModeFollowsTheSystemSetting() {
        long[] b = fx.board("Dark");
        browser.openBoard(b[0], null);
        String light = (String) browser.js("return getComputedStyle(document.body).backgroundColor");
        ChromeDriver chrome = (ChromeDriver) browser.driver();
        try {
            chrome.executeCdpCommand(
                    "Emulation.setEmulatedMedia",
                    Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
            String dark = (String) browser.js("return getComputedStyle(document.body).backgroundColor");
            assertThat(dark).isNotEqualTo(light).isEqualTo("rgb(20, 23, 28)");
            String text = (String) browser.js("return getComputedStyle(document.body).color");
            assertThat(text).isEqualTo("rgb(230, 233, 238)");
        } finally {
            chrome.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
    }

    @Test
    void aViewerSeesTheBoardButCannotChangeIt() {
        long[] b = fx.board("Read only");
        fx.task(b[0], "look, don't touch", "column_id", b[2]);
        try {
            browser.signIn("vera", "vera-password");
            browser.openBoard(b[0], null);
            browser.card("look, don't touch");
            assertThat(browser.driver().findElements(By.cssSelector("#board .add-card")))
                    .isEmpty();
            assertThat(browser.driver().findElements(By.cssSelector("#board .card-edit")))
                    .isEmpty();
            assertThat(browser.driver().findElement(By.id("new-board")).isDisplayed())
                    .isFalse();
        } finally {
            browser.signIn("alice", "alice-password");
        }
    }

    /**
     * Signing out forgets the workspace (and the rest of the signed-in person's state): the next person
     * signing in in the same tab, who is no member of it, gets their own workspaces and board.
     */
    @Test
    void signingOutForgetsTheWorkspaceSoTheNextPersonInTheTabGetsTheirOwn() {
        long other = otherWorkspace("wandas-own");
        Http wanda = clientFor("wanda", other, Role.ADMIN);
        long secret = new TaskFixtures(wanda).board("Wanda's secret board")[0];
        fx.board("Alice's board");
        try {
            browser.signIn("wanda", "wanda-password");
            browser.openBoard(secret, null);
            browser.js("window.__sameDocument = true");
            browser.driver().findElement(By.id("sign-out")).click();
            browser.waitVisible(By.id("login-view"));

            browser.driver().findElement(By.id("login-username")).sendKeys("alice");
            browser.driver().findElement(By.id("login-password")).sendKeys("alice-password");
            browser.driver().findElement(By.id("login-submit")).click();

            browser.until(d -> new Select(d.findElement(By.id("board-select")))
                    .getOptions().stream().anyMatch(o -> o.getText().equals("Alice's board")));
            assertThat(new Select(browser.driver().findElement(By.id("workspace-select")))
                            .getOptions().stream().map(WebElement::getText))
                    .doesNotContain("wandas-own");
            assertThat(new Select(browser.driver().findElement(By.id("board-select")))
                            .getOptions().stream().map(WebElement::getText))
                    .doesNotContain("Wanda's secret board");
            assertThat(browser.js("return window.__sameDocument === true")).isEqualTo(true);
            browser.until(d -> !d.findElements(By.cssSelector("#board .column")).isEmpty());
        } finally {
            browser.signIn("alice", "alice-password");
        }
    }

    @Test
    void signingOutEndsTheSessionAndAWrongPasswordIsRefusedPolitely() {
        browser.signIn("alice", "alice-password");
        String token = (String) browser.js("return sessionStorage.getItem('agent-kanban.token')");
        browser.driver().findElement(By.id("sign-out")).click();
        browser.waitVisible(By.id("login-view"));
        assertThat(browser.js("return sessionStorage.getItem('agent-kanban.token')"))
                .isNull();
        assertThat(alice.withToken(token).get("/api/v1/auth/me").status()).isEqualTo(401);

        browser.driver().findElement(By.id("login-username")).sendKeys("alice");
        browser.driver().findElement(By.id("login-password")).sendKeys("not-the-password");
        browser.driver().findElement(By.id("login-submit")).click();
        browser.until(d -> d.findElement(By.id("login-message")).getText().equals("Wrong username or password."));
        browser.signIn("alice", "alice-password");
    }
}
