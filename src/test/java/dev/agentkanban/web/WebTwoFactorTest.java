package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Two-factor authentication in Chromium: enrolment on the account page (the QR code drawn on the
 * page, the key shown beside it, confirmed with a first code, ten recovery codes shown), then signing
 * in through the login form with the authenticator's code, and with a recovery code, which works once
 * and is refused the second time. The authenticator is played by an HOTP computed here from the key
 * the page shows (RFC 4226/6238, independent of the server's implementation).
 */
class WebTwoFactorTest extends ApiTest {

    static final String USER = "tf-web";
    static final String PASSWORD = "tf-web-password";

    Browser browser;

    @BeforeAll
    void start() {
        identities.provision(USER, PASSWORD, defaultWorkspace, Role.MEMBER, false);
        browser = Browser.start(port);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    /** The authenticator app: the six-digit code {@code offset} steps from now for a base32 key. */
    static String authenticator(String base32, int offset) throws Exception {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteBuffer key = ByteBuffer.allocate(base32.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : base32.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                key.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key.array(), "HmacSHA1"));
        long step = Instant.now().getEpochSecond() / 30 + offset;
        byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        int o = h[h.length - 1] & 0x0f;
        int binary = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8) | (h[o + 3] & 0xff);
        return String.format("%06d", binary % 1_000_000);
    }

    private void signInWithPassword() {
        browser.open("/");
        browser.clearSession();
        browser.open("/");
        browser.waitVisible(By.id("login-username")).sendKeys(USER);
        browser.driver().findElement(By.id("login-password")).sendKeys(PASSWORD);
        browser.driver().findElement(By.id("login-submit")).click();
    }

    private void enterCode(String code) {
        WebElement field = browser.waitVisible(By.id("login-code"));
        field.clear();
        field.sendKeys(code);
        browser.driver().findElement(By.id("login-submit")).click();
    }

    private void signOut() {
        browser.waitVisible(By.id("sign-out")).click();
        browser.waitVisible(By.id("login-username"));
    }

    @Test
    void enrolThenSignInWithTheCodeAndARecoveryCodeThatWorksOnce() throws Exception {
        browser.signIn(USER, PASSWORD);
        browser.waitVisible(By.id("account-link")).click();
        browser.waitVisible(By.id("tf-enrol")).click();

        WebElement qr = browser.waitVisible(By.id("tf-qr"));
        assertThat(qr.getAttribute("src")).startsWith("data:image/svg+xml;base64,");
        // the image was decoded and drawn: an SVG that failed to load has no natural width
        Boolean drawn =
                browser.until(d -> ((Number) browser.js("return arguments[0].naturalWidth", qr)).intValue() > 0);
        assertThat(drawn).isTrue();
        String key = browser.waitVisible(By.id("tf-secret")).getText().trim();
        assertThat(key).matches("[A-Z2-7]{32}");

        browser.driver().findElement(By.id("tf-code")).sendKeys(authenticator(key, -1));
        browser.driver().findElement(By.id("tf-confirm")).click();
        List<String> recovery = browser.until(d -> {
            List<String> codes = d.findElements(By.cssSelector("#tf-recovery-codes li")).stream()
                    .map(WebElement::getText)
                    .toList();
            return codes.size() == 10 ? codes : null;
        });
        browser.until(d -> d.findElement(By.id("tf-status")).getText().contains("is on"));

        // sign-in now asks for the code after the password
        browser.open("/");
        signOut();
        signInWithPassword();
        browser.until(d -> d.findElement(By.id("login-message")).getText().contains("code"));
        assertThat(browser.driver().findElement(By.id("app-view")).isDisplayed())
                .isFalse();
        enterCode(authenticator(key, 0));
        browser.waitVisible(By.id("app-view"));

        // a recovery code instead of the app: once
        signOut();
        signInWithPassword();
        enterCode(recovery.get(0));
        browser.waitVisible(By.id("app-view"));

        signOut();
        signInWithPassword();
        enterCode(recovery.get(0));
        browser.until(d -> d.findElement(By.id("login-message")).getText().contains("Wrong, expired or already used"));
        assertThat(browser.driver().findElement(By.id("app-view")).isDisplayed())
                .isFalse();
        enterCode(recovery.get(1));
        browser.waitVisible(By.id("app-view"));

        long used = jdbc.sql("select count(*) from user_recovery_codes where used_at is not null")
                .query(Long.class)
                .single();
        assertThat(used).isEqualTo(2);
    }
}
