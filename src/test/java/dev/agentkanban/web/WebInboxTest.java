package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The bell (issue 15) in real browsers: a mention written in one person's browser reaches the
 * mentioned person's browser live (no reload), the list names who did what on which card, a notification opens its
 * card and is read, and "Mark all read" clears the count.
 */
class WebInboxTest extends ApiTest {

    Browser bobPage;
    Browser alicePage;
    Http alice;
    Http bob;
    TaskFixtures fx;

    @BeforeAll
    void startBrowser() {
        alice = clientFor("alice", defaultWorkspace, Role.MEMBER);
        bob = clientFor("bob", defaultWorkspace, Role.MEMBER);
        fx = new TaskFixtures(alice);
        bobPage = Browser.start(port);
        bobPage.signIn("bob", "bob-password");
        alicePage = Browser.start(port);
        alicePage.signIn("alice", "alice-password");
    }

    @AfterAll
    void stopBrowser() {
        if (bobPage != null) {
            bobPage.close();
        }
        if (alicePage != null) {
            alicePage.close();
        }
    }

    String count() {
        WebElement badge = bobPage.driver().findElement(By.id("bell-count"));
        return badge.isDisplayed() ? badge.getText() : "";
    }

    @Test
    void aMentionReachesTheOtherBrowserLiveAndOpensTheCard() {
        jdbc.sql("update users set display_name = 'Alice Archer' where username = 'alice'")
                .update();
        long[] b = fx.board("Inbox board");
        long other = fx.board("Another board")[0];
        long task = fx.task(other, "Check the invoice totals");
        long second = fx.task(b[0], "Second card", "assignee", "bob");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> bob.get("/api/v1/notifications/unread-count")
                                .json()
                                .get("unread_count")
                                .asLong()
                        == 1);
        bobPage.openBoard(b[0], null);
        bobPage.until(d -> count().equals("1")); // the assignment
        bobPage.js("window.__sameDocument = true");

        // alice, in her own browser, opens the card from a link (as a mail's) and comments there
        alicePage.openBoard(other, "card=" + task);
        WebElement comment = alicePage.waitVisible(By.cssSelector("#card-panel .comment-form textarea"));
        comment.sendKeys("@bob can you check these?");
        alicePage
                .driver()
                .findElement(By.cssSelector("#card-panel .comment-form button[type=submit]"))
                .click();
        bobPage.until(d -> count().equals("2"));
        assertThat(bobPage.js("return window.__sameDocument === true")).isEqualTo(true);

        bobPage.driver().findElement(By.id("bell")).click();
        WebElement first = bobPage.until(d -> d.findElements(By.cssSelector("#inbox-list .inbox-item.unread")).stream()
                .filter(li -> li.getText().contains("Check the invoice totals"))
                .findFirst()
                .orElse(null));
        assertThat(first.getText()).contains("Alice Archer mentioned you").contains("@bob can you check these?");
        first.findElement(By.cssSelector(".inbox-open")).click();

        // the card opens on its own board, and the notification is read
        bobPage.until(d -> !d.findElements(By.cssSelector("#card-panel[open]")).isEmpty());
        bobPage.until(
                d -> d.findElement(By.cssSelector("#card-panel")).getText().contains("Check the invoice totals"));
        bobPage.until(d -> count().equals("1"));
        // bob watches the card since he was mentioned; the panel's toggle unwatches and watches again
        WebElement watch = bobPage.until(d -> d.findElements(By.cssSelector("#card-panel .watch-toggle")).stream()
                .filter(w -> w.isEnabled() && "true".equals(w.getDomAttribute("aria-pressed")))
                .findFirst()
                .orElse(null));
        assertThat(watch.getText()).isEqualTo("Watching");
        watch.click();
        bobPage.until(d -> "false"
                .equals(d.findElement(By.cssSelector("#card-panel .watch-toggle"))
                        .getDomAttribute("aria-pressed")));
        assertThat(bob.get("/api/v1/tasks/" + task + "/watchers")
                        .json()
                        .get("watching")
                        .asBoolean())
                .isFalse();
        bobPage.until(
                d -> d.findElement(By.cssSelector("#card-panel .watch-toggle")).isEnabled());
        bobPage.driver()
                .findElement(By.cssSelector("#card-panel .watch-toggle"))
                .click();
        bobPage.until(d -> "true"
                .equals(d.findElement(By.cssSelector("#card-panel .watch-toggle"))
                        .getDomAttribute("aria-pressed")));
        assertThat(bob.get("/api/v1/tasks/" + task + "/watchers")
                        .json()
                        .get("watching")
                        .asBoolean())
                .isTrue();
        bobPage.js("document.getElementById('card-panel').close()");
        bobPage.until(d -> d.findElements(By.cssSelector("#card-panel[open]")).isEmpty());

        bobPage.driver().findElement(By.id("bell")).click();
        bobPage.until(
                d -> !d.findElements(By.cssSelector("#inbox-list .inbox-item")).isEmpty());
        bobPage.driver().findElement(By.id("inbox-read-all")).click();
        bobPage.until(d -> count().isEmpty());
        assertThat(alice.get("/api/v1/tasks/" + second).status()).isEqualTo(200);
    }

    @Test
    void thePersonChoosesTheirNotificationEmailInTheProfile() {
        bobPage.open("/?view=settings&tab=profile");
        WebElement choice = bobPage.waitVisible(By.id("notification-email"));
        assertThat(new Select(choice).getFirstSelectedOption().getDomAttribute("value"))
                .isEqualTo("instant");
        // this test server has no SMTP server: the page says so
        assertThat(bobPage.driver().findElement(By.id("notifications-form")).getText())
                .contains("not configured");
        new Select(choice).selectByValue("digest");
        bobPage.driver().findElement(By.id("notifications-save")).click();
        bobPage.toastContaining("Notification preferences saved");
        assertThat(bob.get("/api/v1/me/notification-preferences")
                        .json()
                        .get("email")
                        .asString())
                .isEqualTo("digest");
    }
}
