package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.Http;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The Profile screen of the settings (issue 17) in Chromium, each test signed in as its own person:
 * the display name shows in the top bar; a password change needs the current password; "Sign out
 * other sessions" ends another browser's session (its next request is refused and it is sent to sign
 * in) while this one keeps working; notification preferences are saved; phone width and keyboard.
 */
class WebProfileTest extends SettingsBrowserTest {

    /** A client signed in with a password (a session, not a token). */
    Http session(String username, String password) {
        Http.Response r = login(username, password);
        assertThat(r.status()).isEqualTo(200);
        return http.withToken(r.json().get("access_token").asText());
    }

    @Test
    void theDisplayNameChangedInTheProfileShowsInTheTopBar() {
        identities.provision("dora", "dora-password-1", defaultWorkspace, Role.MEMBER, false);
        browser.signIn("dora", "dora-password-1");
        page.openTab("profile");
        WebElement display = browser.waitVisible(By.id("profile-display"));
        display.clear();
        display.sendKeys("Dora <b>Marquez</b>");
        page.click(browser.driver().findElement(By.id("profile-save")));
        browser.toastContaining("Profile saved");
        assertThat(browser.driver().findElement(By.id("user-name")).getText()).isEqualTo("Dora <b>Marquez</b>");
        assertThat(jdbc.sql("select display_name from users where username = 'dora'")
                        .query(String.class)
                        .single())
                .isEqualTo("Dora <b>Marquez</b>");
        // it stays after a reload, and on the account page
        browser.open("/");
        browser.until(d -> d.findElement(By.id("user-name")).getText().equals("Dora <b>Marquez</b>"));
        browser.open("/account.html");
        browser.until(d -> d.findElement(By.id("user-name")).getText().equals("Dora <b>Marquez</b>"));
    }

    @Test
    void aPasswordChangeNeedsTheCurrentPassword() {
        identities.provision("pia", "pia-password-1", defaultWorkspace, Role.MEMBER, false);
        browser.signIn("pia", "pia-password-1");
        page.openTab("profile");
        browser.waitVisible(By.id("profile-current")).sendKeys("not-my-password");
        browser.driver().findElement(By.id("profile-new")).sendKeys("pia-password-2");
        page.click(browser.driver().findElement(By.id("password-change")));
        browser.until(
                d -> d.findElement(By.id("password-message")).getText().contains("the current password is wrong"));
        assertThat(page.activeId()).isEqualTo("profile-current");
        assertThat(login("pia", "pia-password-1").status()).isEqualTo(200);
        assertThat(login("pia", "pia-password-2").status()).isEqualTo(401);

        WebElement current = browser.driver().findElement(By.id("profile-current"));
        current.clear();
        current.sendKeys("pia-password-1");
        page.click(browser.driver().findElement(By.id("password-change")));
        browser.until(d -> d.findElement(By.id("password-message")).getText().startsWith("Password changed"));
        assertThat(login("pia", "pia-password-2").status()).isEqualTo(200);
        assertThat(login("pia", "pia-password-1").status()).isEqualTo(401);
        // the session that changed it keeps working
        page.openTab("profile");
        assertThat(browser.driver().findElement(By.id("login-view")).isDisplayed())
                .isFalse();
    }

    @Test
    void signingOutOtherSessionsEndsTheOtherBrowserButNotThisOne() {
        User quinn = identities.provision("quinn", "quinn-password-1", defaultWorkspace, Role.MEMBER, false);
        String token = identities.issueToken(quinn.id(), "script", List.of("read", "write"));
        browser.signIn("quinn", "quinn-password-1");
        try (Browser laptop = Browser.start(port)) {
            laptop.signIn("quinn", "quinn-password-1");
            Http script = session("quinn", "quinn-password-1");

            page.openTab("profile");
            browser.until(d ->
                    d.findElements(By.cssSelector("#session-list tbody tr")).size() == 3);
            assertThat(page.row("session-list", "this session")).isNotNull();
            // a read-only token may not end sessions
            Http readOnly = http.withToken(identities.issueToken(quinn.id(), "read-only", List.of("read")));
            assertThat(readOnly.delete("/api/v1/auth/sessions").status()).isEqualTo(403);
            assertThat(script.get("/api/v1/auth/me").status()).isEqualTo(200);

            page.click(browser.driver().findElement(By.id("end-other-sessions")));
            browser.confirmModal();
            browser.until(
                    d -> d.findElement(By.id("sessions-status")).getText().equals("2 other sessions signed out."));
            browser.until(d ->
                    d.findElements(By.cssSelector("#session-list tbody tr")).size() == 1);
            assertThat(browser.driver().findElement(By.id("end-other-sessions")).isEnabled())
                    .isFalse();

            // the other browser's next request is refused and it is sent to sign in
            laptop.js("document.getElementById('open-settings').click()");
            laptop.waitVisible(By.id("login-view"));
            assertThat(laptop.driver().findElement(By.id("login-message")).getText())
                    .contains("session has ended");
            assertThat(script.get("/api/v1/auth/me").status()).isEqualTo(401);
            // this browser and the API tokens keep working
            assertThat(http.withToken(token).get("/api/v1/boards").status()).isEqualTo(200);
            page.openTab("profile");
            page.row("session-list", "this session");
            assertThat(browser.driver().findElement(By.id("login-view")).isDisplayed())
                    .isFalse();
            assertThat(jdbc.sql("select count(*) from identity_audit where action = 'sessions_ended'")
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);

            // the other browser signs in again
            laptop.signIn("quinn", "quinn-password-1");
        }
    }

    @Test
    void notificationPreferencesAreSaved() {
        identities.provision("nia", "nia-password-1", defaultWorkspace, Role.MEMBER, false);
        browser.signIn("nia", "nia-password-1");
        page.openTab("profile");
        new Select(browser.waitVisible(By.id("notification-email"))).selectByValue("digest");
        page.click(browser.driver().findElement(By.id("notifications-save")));
        browser.toastContaining("Notification preferences saved");
        assertThat(session("nia", "nia-password-1")
                        .get("/api/v1/me/notification-preferences")
                        .json()
                        .get("email")
                        .asText())
                .isEqualTo("digest");
        page.openTab("profile");
        assertThat(new Select(browser.waitVisible(By.id("notification-email")))
                        .getFirstSelectedOption()
                        .getDomProperty("value"))
                .isEqualTo("digest");
    }

    @Test
    void theProfileWorksAtPhoneWidthAndByKeyboardAlone() {
        identities.provision("kai", "kai-password-1", defaultWorkspace, Role.MEMBER, false);
        browser.signIn("kai", "kai-password-1");
        Http other = session("kai", "kai-password-1");
        page.phone();
        try {
            page.openTab("profile");
            browser.until(d ->
                    d.findElements(By.cssSelector("#session-list tbody tr")).size() == 2);
            page.assertPhoneWidthAndLabels();

            browser.js("document.getElementById('tab-profile').focus()");
            page.tabTo("profile-display");
            page.type(Keys.END);
            for (int i = 0; i < "kai".length(); i++) {
                page.type(Keys.BACK_SPACE);
            }
            page.type("Kai by keyboard");
            page.tabTo("profile-save");
            page.type(Keys.ENTER);
            browser.toastContaining("Profile saved");
            assertThat(browser.driver().findElement(By.id("user-name")).getText())
                    .isEqualTo("Kai by keyboard");

            page.tabTo("profile-current");
            page.type("kai-password-1");
            page.tabTo("profile-new");
            page.type("kai-password-2", Keys.ENTER);
            browser.until(
                    d -> d.findElement(By.id("password-message")).getText().startsWith("Password changed"));
            // the password change signed the other session out already
            assertThat(other.get("/api/v1/auth/me").status()).isEqualTo(401);
            other = session("kai", "kai-password-2");
            page.openTab("profile");
            browser.until(d ->
                    d.findElements(By.cssSelector("#session-list tbody tr")).size() == 2);

            browser.js("document.getElementById('tab-profile').focus()");
            page.tabTo("end-other-sessions");
            page.type(Keys.ENTER);
            browser.waitVisible(By.cssSelector("#confirm-dialog [data-role=ok]"));
            page.type(Keys.ENTER);
            browser.until(d -> d.findElement(By.id("sessions-status")).getText().equals("1 other session signed out."));
            assertThat(page.activeId()).isEqualTo("sessions-status");
            assertThat(other.get("/api/v1/auth/me").status()).isEqualTo(401);

            page.tabTo("notifications-save");
            page.type(Keys.ENTER);
            browser.toastContaining("Notification preferences saved");
        } finally {
            page.desktop();
        }
    }
}
