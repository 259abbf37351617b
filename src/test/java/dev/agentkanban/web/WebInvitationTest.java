package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestSmtp;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Invitations from the Members tab, end to end in two Chromium windows (issue 17): the workspace admin
 * creates a link (or has it mailed, against a real SMTP server, GreenMail) in the page; someone who is
 * not signed in opens it in another browser, creates their account on the invitation page and lands
 * on the board page of the workspace, a member with the role the link named. A link withdrawn in the
 * page stops working.
 */
// closed after the class, as the other mail tests: no cached context's mail worker outlives its SMTP server
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class WebInvitationTest extends ApiTest {

    static final int SMTP_PORT = TestSmtp.freePort();
    static final GreenMail SMTP = TestSmtp.start(SMTP_PORT);
    static final Pattern LINK = Pattern.compile("http://\\S+/invite\\.html#inv_[A-Za-z0-9_-]+");

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("kanban.email.smtp-url", () -> "smtp://127.0.0.1:" + SMTP_PORT);
        registry.add("kanban.email.from", () -> "kanban@example.test");
        registry.add("kanban.email.poll-interval", () -> "PT0.2S");
        registry.add("kanban.email.initial-backoff", () -> "PT0.2S");
    }

    Browser admin;
    Browser guest;

    @BeforeAll
    void startBrowsers() {
        admin = Browser.start(port);
        admin.signIn("tester", "tester-password");
        guest = Browser.start(port);
    }

    @AfterAll
    void stop() {
        try {
            if (admin != null) {
                admin.close();
            }
            if (guest != null) {
                guest.close();
            }
        } finally {
            SMTP.stop();
        }
    }

    /** A new workspace the tester administers, its members tab open in the admin's browser. */
    long workspaceWithMembersTab(String name) {
        long ws = http.post("/api/v1/workspaces", obj("name", name)).id();
        admin.open("/?ws=" + ws + "&view=settings&tab=members");
        admin.waitVisible(By.cssSelector("#tab-members[aria-selected=true]"));
        admin.until(d ->
                d.findElement(By.cssSelector("#settings-view h2")).getText().contains(name));
        return ws;
    }

    void createInvitation(String role, String email) {
        WebElement form = admin.waitVisible(By.id("invite-form"));
        new Select(form.findElement(By.id("invite-role"))).selectByValue(role);
        WebElement hours = form.findElement(By.id("invite-hours"));
        hours.clear();
        hours.sendKeys("24");
        if (email != null) {
            form.findElement(By.id("invite-email")).sendKeys(email);
        }
        form.findElement(By.id("invite-create")).click();
    }

    /** The guest, signed out, opens the link and creates their account on the invitation page. */
    void joinAsNewAccount(String link, String workspace, String role, String username) {
        guest.open("/");
        guest.clearSession();
        guest.open(link.substring(link.indexOf("/invite.html")));
        guest.until(d -> d.findElement(By.id("invite-what"))
                .getText()
                .contains("You are invited to " + workspace + " as " + role));
        guest.waitVisible(By.id("invite-username")).sendKeys(username);
        guest.driver().findElement(By.id("invite-password")).sendKeys(username + "-password");
        guest.driver().findElement(By.id("invite-redeem")).click();
        // the board page, on the workspace of the invitation
        guest.waitVisible(By.id("app-view"));
        guest.until(d -> d.findElement(By.cssSelector("#workspace-select option:checked"))
                .getText()
                .equals(workspace));
    }

    String roleOf(long ws, String username) {
        Response members = http.get("/api/v1/workspaces/" + ws + "/members");
        assertThat(members.status()).as(members.body()).isEqualTo(200);
        for (JsonNode m : members.json().get("items")) {
            if (m.get("username").asString().equals(username)) {
                return m.get("role").asString();
            }
        }
        return null;
    }

    @Test
    void aLinkMadeInTheMembersTabBringsANewcomerIntoTheWorkspace() {
        long ws = workspaceWithMembersTab("Invited by link");
        createInvitation("member", null);
        String link = admin.waitVisible(By.id("invite-link")).getDomProperty("value");
        assertThat(link).matches(LINK);
        assertThat(admin.driver().findElement(By.id("invite-result")).getText())
                .contains("Invitation as member created", "works once", "shown only once")
                .doesNotContain("Mailed");
        assertThat(admin.driver()
                        .findElement(By.cssSelector("#invite-issued .copy"))
                        .getAttribute("aria-label"))
                .isEqualTo("Copy Invitation link");
        assertThat(roleOf(ws, "newcomer")).isNull();

        joinAsNewAccount(link, "Invited by link", "member", "newcomer");
        assertThat(roleOf(ws, "newcomer")).isEqualTo("member");
        assertThat(guest.js("return document.body.classList.contains('read-only')"))
                .isEqualTo(false);

        // it worked once: opened again, the page says so
        guest.open(link.substring(link.indexOf("/invite.html")));
        guest.until(d -> d.findElement(By.id("invite-message")).getText().contains("used already"));
    }

    @Test
    void someoneWithAnAccountSignsInFromTheLinkAndComesBackToIt() {
        long ws = workspaceWithMembersTab("Invited with an account");
        createInvitation("member", null);
        String link = admin.waitVisible(By.id("invite-link")).getDomProperty("value");
        clientFor("returning", defaultWorkspace, Role.MEMBER);

        guest.open("/");
        guest.clearSession();
        String path = link.substring(link.indexOf("/invite.html"));
        guest.open(path);
        guest.waitVisible(By.id("invite-sign-in")).click();
        // the sign-in page, with the link kept out of the address (and so out of any server log)
        guest.waitVisible(By.id("login-username")).sendKeys("returning");
        assertThat(guest.driver().getCurrentUrl()).doesNotContain("inv_");
        guest.driver().findElement(By.id("login-password")).sendKeys("returning-password");
        guest.driver().findElement(By.id("login-submit")).click();

        // back on the invitation, signed in: one click joins
        guest.until(d -> d.getCurrentUrl().endsWith(path));
        guest.waitVisible(By.id("invite-accept")).click();
        guest.waitVisible(By.id("app-view"));
        guest.until(d -> d.findElement(By.cssSelector("#workspace-select option:checked"))
                .getText()
                .equals("Invited with an account"));
        assertThat(roleOf(ws, "returning")).isEqualTo("member");
    }

    @Test
    void theSignInPageFollowsOnlyPathsOfThisSite() {
        clientFor("wanderer", defaultWorkspace, Role.MEMBER);
        guest.open("/");
        guest.clearSession();
        guest.open("/");
        String origin = (String) guest.js("return location.origin");
        // what the check answers for each kind of address
        @SuppressWarnings("unchecked")
        java.util.List<Object> answers = (java.util.List<Object>)
                ((org.openqa.selenium.JavascriptExecutor) guest.driver()).executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        import('/js/next.js').then((m) => done([
                          'https://evil.example/', '//evil.example/x', '/\\\\evil.example', '\\\\\\\\evil.example',
                          '/\\t/evil.example', 'javascript:alert(1)', 'evil.example', '/.//evil.example',
                          '/invite.html#inv_abc', '/?board=3'].map(m.safeNext)));
                        """);
        assertThat(answers.subList(0, 7)).containsOnlyNulls();
        assertThat(answers.subList(7, 10))
                .containsExactly(origin + "//evil.example", origin + "/invite.html#inv_abc", origin + "/?board=3");

        // an open redirect through the sign-in page is refused: signed in, the visitor stays here
        // (a query of its own: from "/" a change of the fragment alone would not load the page again)
        guest.open("/?from=mail#next="
                + java.net.URLEncoder.encode("//evil.example/phish", java.nio.charset.StandardCharsets.UTF_8));
        guest.waitVisible(By.id("login-username")).sendKeys("wanderer");
        guest.driver().findElement(By.id("login-password")).sendKeys("wanderer-password");
        guest.driver().findElement(By.id("login-submit")).click();
        guest.waitVisible(By.id("app-view"));
        assertThat(guest.driver().getCurrentUrl()).startsWith(origin + "/").doesNotContain("evil");
        assertThat(guest.js("return sessionStorage.getItem('kanban.next')")).isNull();
    }

    @Test
    void anInvitationMailedFromTheMembersTabIsOpenedFromTheMail() throws Exception {
        long ws = workspaceWithMembersTab("Invited by mail");
        createInvitation("viewer", "reader@example.test");
        admin.until(d -> d.findElement(By.id("invite-result")).getText().contains("Mailed to reader@example.test"));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !TestSmtp.to(SMTP, "reader@example.test").isEmpty());
        var mail = TestSmtp.to(SMTP, "reader@example.test").getFirst();
        assertThat(mail.getSubject()).isEqualTo("Invitation to Invited by mail on Agent Kanban");
        String body = GreenMailUtil.getBody(mail).replace("=\r\n", "").replace("=3D", "=");
        Matcher link = LINK.matcher(body);
        assertThat(link.find()).as(body).isTrue();
        assertThat(link.group())
                .isEqualTo(admin.driver().findElement(By.id("invite-link")).getDomProperty("value"));

        joinAsNewAccount(link.group(), "Invited by mail", "viewer", "reader");
        assertThat(roleOf(ws, "reader")).isEqualTo("viewer");
        guest.until(d -> (Boolean) guest.js("return document.body.classList.contains('read-only')"));
    }

    @Test
    void anUnusedLinkIsListedAndWithdrawnInTheMembersTab() {
        long ws = workspaceWithMembersTab("Invited and withdrawn");
        createInvitation("agent", "bot-owner@example.test");
        String link = admin.waitVisible(By.id("invite-link")).getDomProperty("value");
        WebElement row = admin.until(d -> d.findElements(By.cssSelector("#invite-list tbody tr")).stream()
                .filter(r -> r.getText().contains("bot-owner@example.test"))
                .findFirst()
                .orElse(null));
        assertThat(row.getText()).contains("agent", "tester");
        WebElement withdraw = row.findElement(By.cssSelector(".revoke-invitation"));
        assertThat(withdraw.getAttribute("aria-label"))
                .contains("Withdraw the agent invitation sent to bot-owner@example.test");
        // by keyboard (the toast of the new link sits over the button at this window size)
        withdraw.sendKeys(org.openqa.selenium.Keys.ENTER);
        admin.confirmModal();
        admin.toastContaining("Invitation withdrawn");
        admin.until(d -> d.findElement(By.id("invite-list")).getText().contains("No unused invitation links."));
        assertThat(http.get("/api/v1/workspaces/" + ws + "/invitation-links")
                        .json()
                        .get("items")
                        .size())
                .isZero();

        guest.open("/");
        guest.clearSession();
        guest.open(link.substring(link.indexOf("/invite.html")));
        guest.until(d -> d.findElement(By.id("invite-message")).getText().contains("unknown, used already or expired"));
        assertThat(guest.driver().findElement(By.id("invite-new")).isDisplayed())
                .isFalse();
    }
}
