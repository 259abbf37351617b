package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The Users screen of the settings (issue 17) in Chromium, signed in as a system admin: people and
 * agents created in the page and told apart; a person disabled in the page can no longer sign in and
 * their open session in another browser ends; enabled again they sign in; a password reset in the
 * page replaces the old one. Also: hostile names stay text, an admin cannot lock themself out, and
 * the screen works at phone width and by keyboard alone.
 */
class WebUsersTest extends SettingsBrowserTest {

    @BeforeAll
    void signInAsTheAdmin() {
        browser.signIn("tester", "tester-password");
    }

    @Test
    void aPersonAndAnAgentAreCreatedInThePageAndToldApart() {
        page.openTab("users");
        browser.waitVisible(By.id("user-username")).sendKeys("rosa");
        browser.driver().findElement(By.id("user-display")).sendKeys("Rosa Diaz");
        browser.driver().findElement(By.id("user-password")).sendKeys("rosa-password-1");
        browser.driver().findElement(By.id("user-create")).click();
        browser.toastContaining("User rosa (person) created");

        // an agent: the password is optional and the role follows the kind
        new Select(browser.driver().findElement(By.id("user-kind"))).selectByValue("agent");
        assertThat(browser.driver().findElement(By.id("user-password")).getDomProperty("required"))
                .isEqualTo("false");
        assertThat(new Select(browser.driver().findElement(By.id("user-role")))
                        .getFirstSelectedOption()
                        .getDomProperty("value"))
                .isEqualTo("agent");
        assertThat(browser.driver().findElement(By.id("user-password-hint")).getText())
                .contains("Optional for an agent");
        browser.driver().findElement(By.id("user-username")).sendKeys("build-bot");
        browser.driver().findElement(By.id("user-create")).click();
        browser.toastContaining("User build-bot (agent) created");
        // the form is ready for the next person: not left on the first role of the list (admin)
        assertThat(new Select(browser.driver().findElement(By.id("user-role")))
                        .getFirstSelectedOption()
                        .getDomProperty("value"))
                .isEqualTo("member");
        assertThat(new Select(browser.driver().findElement(By.id("user-kind")))
                        .getFirstSelectedOption()
                        .getDomProperty("value"))
                .isEqualTo("user");

        assertThat(page.row("user-list", "rosa")
                        .findElement(By.cssSelector(".kind"))
                        .getText())
                .isEqualTo("person");
        assertThat(page.row("user-list", "build-bot")
                        .findElement(By.cssSelector(".kind.kind-agent"))
                        .getText())
                .isEqualTo("agent");
        assertThat(roleInDefaultWorkspace("rosa")).isEqualTo("member");
        assertThat(roleInDefaultWorkspace("build-bot")).isEqualTo("agent");
        assertThat(jdbc.sql("select kind || ':' || (password_hash is null) from users where username = 'build-bot'")
                        .query(String.class)
                        .single())
                .isEqualTo("agent:true");

        // the person signs in with the password given, in the page
        try (Browser rosa = Browser.start(port)) {
            rosa.signIn("rosa", "rosa-password-1");
            assertThat(rosa.waitVisible(By.id("user-name")).getText()).isEqualTo("Rosa Diaz");
        }
    }

    @Test
    void hostileInputIsRefusedOrShownAsText() {
        long users = count("users");
        page.openTab("users");
        browser.waitVisible(By.id("user-username")).sendKeys("<img src=x onerror=window.pwned=1>");
        browser.driver().findElement(By.id("user-password")).sendKeys("long-enough-1");
        browser.driver().findElement(By.id("user-create")).click();
        assertThat(browser.toastContaining("User not created")).contains("username");
        assertThat(count("users")).isEqualTo(users);

        WebElement name = browser.driver().findElement(By.id("user-username"));
        name.clear();
        name.sendKeys("mallory");
        browser.driver().findElement(By.id("user-display")).sendKeys("<img src=x onerror=window.pwned=1>");
        // the refused form keeps what was typed, the password too
        assertThat(browser.driver().findElement(By.id("user-password")).getDomProperty("value"))
                .isEqualTo("long-enough-1");
        browser.driver().findElement(By.id("user-create")).click();
        browser.toastContaining("User mallory (person) created");
        assertThat(page.row("user-list", "mallory").getText()).contains("<img src=x onerror=window.pwned=1>");
        assertThat(browser.js("return window.pwned === undefined && !document.querySelector('#user-list img')"))
                .isEqualTo(true);

        // a password shorter than 8 characters keeps the reset dialog open and changes nothing
        page.click(page.row("user-list", "mallory").findElement(By.cssSelector(".reset-password")));
        browser.waitVisible(By.id("reset-password-value")).sendKeys("short");
        browser.driver()
                .findElement(By.cssSelector("#reset-password-dialog [data-role=ok]"))
                .click();
        assertThat(browser.driver().findElement(By.id("reset-password-dialog")).isDisplayed())
                .isTrue();
        browser.cancelModal();
        assertThat(login("mallory", "long-enough-1").status()).isEqualTo(200);
    }

    @Test
    void aDisabledPersonCannotSignInTheirOpenSessionEndsAndAResetPasswordReplacesTheOldOne() {
        User sam = identities.provision("sam", "sam-password-1", defaultWorkspace, Role.MEMBER, false);
        try (Browser samsBrowser = Browser.start(port)) {
            samsBrowser.signIn("sam", "sam-password-1");
            page.openTab("users");
            page.click(page.row("user-list", "sam").findElement(By.cssSelector(".toggle-user")));
            browser.toastContaining("sam disabled");
            assertThat(page.row("user-list", "sam").getText()).contains("disabled");
            assertThat(login("sam", "sam-password-1").status()).isEqualTo(401);

            // the open session stops working: its next request is refused and the page asks to sign in
            samsBrowser.js("document.getElementById('open-settings').click()");
            samsBrowser.waitVisible(By.id("login-view"));
            assertThat(samsBrowser.driver().findElement(By.id("login-message")).getText())
                    .contains("session has ended");

            // enabled again, they sign in
            WebElement enable = page.row("user-list", "sam").findElement(By.cssSelector(".toggle-user"));
            assertThat(enable.getText()).isEqualTo("Enable");
            assertThat(enable.getAttribute("aria-label")).isEqualTo("Enable sam");
            page.click(enable);
            browser.toastContaining("sam enabled");
            assertThat(login("sam", "sam-password-1").status()).isEqualTo(200);

            // a reset password replaces the old one
            page.click(page.row("user-list", "sam").findElement(By.cssSelector(".reset-password")));
            WebElement input = browser.waitVisible(By.id("reset-password-value"));
            assertThat(input.getAttribute("type")).isEqualTo("password");
            input.sendKeys("sam-password-2");
            browser.confirmModal();
            browser.toastContaining("Password of sam reset");
            assertThat(login("sam", "sam-password-2").status()).isEqualTo(200);
            assertThat(login("sam", "sam-password-1").status()).isEqualTo(401);
            samsBrowser.signIn("sam", "sam-password-2");
            assertThat(samsBrowser.waitVisible(By.id("user-name")).getText()).isEqualTo("sam");
        }
        assertThat(jdbc.sql(
                                "select count(*) from identity_audit where action = 'user_changed' and subject_user_id = :s")
                        .param("s", sam.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(3);
    }

    @Test
    void anAdminCannotLockThemselfOut() {
        page.openTab("users");
        WebElement own = page.row("user-list", "tester (you)");
        assertThat(own.findElements(By.cssSelector(".toggle-user"))).isEmpty();

        Http.Response refused = http.patch("/api/v1/users/" + admin.id(), obj("disabled", true));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("self-lockout");
        assertThat(http.patch("/api/v1/users/" + admin.id(), obj("is_admin", false))
                        .status())
                .isEqualTo(409);
        assertThat(jdbc.sql("select (not disabled) and is_admin from users where id = :id")
                        .param("id", admin.id())
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(http.get("/api/v1/boards").status()).isEqualTo(200);
    }

    @Test
    void theUsersScreenWorksAtPhoneWidthAndByKeyboardAlone() {
        identities.provision("kim", "kim-password-1", defaultWorkspace, Role.MEMBER, false);
        page.phone();
        try {
            page.openTab("users");
            page.row("user-list", "kim");
            page.assertPhoneWidthAndLabels();

            // create a person with the keyboard only, starting from the tab list
            browser.js("document.getElementById('tab-users').focus()");
            page.tabTo("user-username");
            page.type("lee");
            page.tabTo("user-password");
            page.type("lee-password-1");
            page.tabTo("user-create");
            page.type(Keys.ENTER);
            browser.toastContaining("User lee (person) created");
            assertThat(login("lee", "lee-password-1").status()).isEqualTo(200);

            // disable and enable kim with the keyboard: the focus stays on the button after the list reloads
            long kim = jdbc.sql("select id from users where username = 'kim'")
                    .query(Long.class)
                    .single();
            String toggle = "toggle-user-" + kim;
            page.tabTo(toggle);
            page.type(Keys.ENTER);
            browser.toastContaining("kim disabled");
            browser.until(d -> d.findElement(By.id(toggle)).getText().equals("Enable"));
            assertThat(page.activeId()).isEqualTo(toggle);
            assertThat(login("kim", "kim-password-1").status()).isEqualTo(401);
            page.type(Keys.SPACE);
            browser.toastContaining("kim enabled");
            browser.until(d -> d.findElement(By.id(toggle)).getText().equals("Disable"));

            // reset kim's password with the keyboard: the dialog takes the focus, Enter submits it
            page.tabTo("reset-password-" + kim);
            page.type(Keys.ENTER);
            browser.waitVisible(By.id("reset-password-value"));
            assertThat(page.activeId()).isEqualTo("reset-password-value");
            page.type("kim-password-2", Keys.ENTER);
            browser.toastContaining("Password of kim reset");
            assertThat(page.activeId()).isEqualTo("reset-password-" + kim);
            assertThat(login("kim", "kim-password-2").status()).isEqualTo(200);
        } finally {
            page.desktop();
        }
    }
}
