package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * OIDC single sign-on through a real provider: Spring Authorization Server in its own context on a
 * loopback port ({@link OidcProvider}), driven through the real redirect flow in Chromium (the app's
 * page, the provider's login form, the authorization code with PKCE, the callback, the single-use
 * handoff code, the session). SSO only is on, with {@code tester} as the break-glass admin.
 */
// closed after the class: its provider stops, and no later class shares this configuration
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OidcSignInTest extends ApiTest {

    static final OidcProvider PROVIDER = OidcProvider.start();

    @DynamicPropertySource
    static void oidc(DynamicPropertyRegistry registry) {
        registry.add("kanban.oidc.issuer-uri", PROVIDER::issuer);
        registry.add("kanban.oidc.client-id", () -> OidcProvider.CLIENT_ID);
        registry.add("kanban.oidc.client-secret", () -> OidcProvider.CLIENT_SECRET);
        registry.add("kanban.oidc.provider-name", () -> "Test Provider");
        registry.add("kanban.oidc.allowed-email-domains", () -> "example.org");
        registry.add("kanban.oidc.role-claim", () -> "groups");
        registry.add("kanban.oidc.role-mapping", () -> "kanban-admins:admin, developers:member");
        registry.add("kanban.oidc.sso-only", () -> "true");
        registry.add("kanban.oidc.break-glass-admin", () -> "tester");
    }

    /** The app as the browser sees it: 127.0.0.1, another host than the provider's localhost. */
    String app;

    @BeforeAll
    void appAddress() {
        OidcProvider.appPort = port;
        app = "http://127.0.0.1:" + port;
    }

    @AfterAll
    void stopProvider() {
        PROVIDER.close();
    }

    /** Opens the app's sign-in page, follows "Sign in with Test Provider" and signs in at the provider's form. */
    private void signInThroughProvider(Browser browser, String username, String password) {
        browser.open("/");
        browser.waitVisible(By.id("sso-link"));
        assertThat(browser.driver().findElement(By.id("sso-link")).getText()).isEqualTo("Sign in with Test Provider");
        browser.driver().findElement(By.id("sso-link")).click();
        browser.until(d -> d.getCurrentUrl().startsWith(PROVIDER.issuer() + "/login"));
        browser.waitVisible(By.id("username")).sendKeys(username);
        browser.driver().findElement(By.id("password")).sendKeys(password);
        browser.driver().findElement(By.cssSelector("button[type=submit]")).click();
    }

    @Test
    void signingInThroughTheProviderCreatesTheUserWithTheMappedRoleAndLogoutEndsTheSession() {
        try (Browser browser = Browser.start(app)) {
            signInThroughProvider(browser, "ada", "ada-password");
            browser.waitVisible(By.id("app-view"));
            assertThat(browser.driver().getCurrentUrl()).doesNotContain("sso=");
            assertThat(browser.driver().findElement(By.id("user-name")).getText())
                    .isEqualTo("Ada Admin");

            assertThat(roleInDefaultWorkspace("ada"))
                    .as("groups kanban-admins maps to admin")
                    .isEqualTo("admin");
            assertThat(jdbc.sql("""
                            select external_source = 'oidc' and password_hash is null and email = 'ada@example.org'
                            from users where username = 'ada'
                            """).query(Boolean.class).single()).isTrue();
            assertThat(count("identity_audit where action = 'sso_user_provisioned' and detail->>'source' = 'oidc'"))
                    .isEqualTo(1);
            assertThat(count("identity_audit where action = 'signed_in' and detail->>'method' = 'oidc'"))
                    .isEqualTo(1);
            // the started request and the handoff code were each taken once
            assertThat(count("oidc_requests")).isZero();
            assertThat(count("oidc_handoffs")).isZero();

            // the browser holds the same kind of session token the API takes
            String token = (String) browser.js("return sessionStorage.getItem('agent-kanban.token')");
            Http asAda = new Http(app).withToken(token);
            assertThat(asAda.get("/api/v1/auth/me").status()).isEqualTo(200);
            assertThat(count("user_sessions where method = 'oidc' and id_token is not null"))
                    .isEqualTo(1);

            // sign out: the session ends here, and the provider's session ends too (RP-initiated logout)
            browser.waitVisible(By.id("sign-out")).click();
            browser.until(d -> d.getCurrentUrl().startsWith(app + "/"));
            browser.waitVisible(By.id("login-username"));
            assertThat(asAda.get("/api/v1/auth/me").status()).isEqualTo(401);
            assertThat(count("user_sessions where method = 'oidc' and id_token is not null"))
                    .isZero();
            browser.driver().findElement(By.id("sso-link")).click();
            browser.until(d -> d.getCurrentUrl().startsWith(PROVIDER.issuer() + "/login"));
            browser.waitVisible(By.id("username"));
        }
    }

    @Test
    void aSecondSignInKeepsTheAccountAndItsLink() {
        try (Browser browser = Browser.start(app)) {
            signInThroughProvider(browser, "max", "max-password");
            browser.waitVisible(By.id("app-view"));
            assertThat(roleInDefaultWorkspace("max")).isEqualTo("member");
            browser.clearSession();
            browser.open("/");
            browser.waitVisible(By.id("sso-link")).click();
            // the provider still knows the browser: straight back, signed in, same account
            browser.waitVisible(By.id("app-view"));
            assertThat(count("users where username = 'max'")).isEqualTo(1);
            assertThat(count("identity_audit where action = 'sso_user_provisioned' and detail->>'role' = 'member'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void anEmailDomainNotAllowedIsRefusedWithAClearPage() {
        try (Browser browser = Browser.start(app)) {
            signInThroughProvider(browser, "eve", "eve-password");
            String refused = browser.waitVisible(By.id("sso-refused")).getText();
            assertThat(refused).contains("eve@elsewhere.test").contains("not from a domain allowed");
            assertThat(browser.driver().getTitle()).contains("Sign-in refused");
        }
        assertThat(count("users where username = 'eve'")).isZero();
        assertThat(count("identity_audit where action = 'sign_in_failed' and detail->>'reason' = 'email_domain'"))
                .isEqualTo(1);
    }

    @Test
    void ssoOnlyRefusesPasswordsExceptTheBreakGlassAdmin() {
        identities.provision("local-person", "local-person-password", defaultWorkspace, Role.MEMBER, false);
        Response refused = http.anonymous()
                .post("/api/v1/auth/login", obj("username", "local-person", "password", "local-person-password"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().get("type").asString()).endsWith("/password-sign-in-disabled");
        assertThat(refused.json().get("sso_login_url").asString()).isEqualTo("/oauth2/authorization/oidc");
        assertThat(count("identity_audit where action = 'sign_in_failed' and detail->>'reason' = 'sso_only'"))
                .isGreaterThanOrEqualTo(1);

        // a wrong password gets the same answer for every name: a 401 for the break-glass admin alone
        // would name the one account that still signs in with a password
        Response unknown = http.anonymous()
                .post("/api/v1/auth/login", obj("username", "nobody-at-all", "password", "a-guessed-password"));
        Response wrongForBreakGlass = http.anonymous()
                .post("/api/v1/auth/login", obj("username", "tester", "password", "a-guessed-password"));
        assertThat(wrongForBreakGlass.status()).as(wrongForBreakGlass.body()).isEqualTo(unknown.status());
        assertThat(wrongForBreakGlass.body()).isEqualTo(unknown.body());
        assertThat(unknown.status()).isEqualTo(403);

        Response breakGlass =
                http.anonymous().post("/api/v1/auth/login", obj("username", "tester", "password", "tester-password"));
        assertThat(breakGlass.status()).as(breakGlass.body()).isEqualTo(200);

        // nor does an invitation link create an account with a password: the person signs in through the provider
        String link = http.post("/api/v1/workspaces/" + defaultWorkspace + "/invitation-links", obj("role", "member"))
                .json()
                .get("token")
                .asString();
        Response redeemed = http.anonymous()
                .post(
                        "/api/v1/invitations/link/redeem",
                        obj("token", link, "username", "by-link", "password", "by-link-password"));
        assertThat(redeemed.status()).as(redeemed.body()).isEqualTo(403);
        assertThat(count("users where username = 'by-link'")).isZero();

        Response offer = http.anonymous().get("/api/v1/auth/sso");
        assertThat(offer.json().get("sso_only").asBoolean()).isTrue();
        assertThat(offer.json().get("provider_name").asString()).isEqualTo("Test Provider");
    }

    @Test
    void aHandoffCodeIsRefusedWhenUnknown() {
        Response r = http.anonymous().post("/api/v1/auth/sso/exchange", obj("code", "sso_not-a-real-code"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("type").asString()).endsWith("/invalid-sso-code");
    }
}
