package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

/**
 * Makes the README's pictures of the Users and Profile settings screens (docs/settings-users.png,
 * docs/settings-profile.png). Runs only when asked:
 * {@code ./mvnw -o test -Dtest=PeopleScreenshotTest -Dkanban.screenshot=true}.
 */
@EnabledIfSystemProperty(named = "kanban.screenshot", matches = "true")
class PeopleScreenshotTest extends ApiTest {

    @Test
    void writesScreenshotsOfTheUsersAndProfileScreens() throws Exception {
        http.patch("/api/v1/users/" + admin.id(), obj("display_name", "Tess (team lead)"));
        identities.provision("maya", "maya-password", defaultWorkspace, Role.MEMBER, false);
        http.post(
                "/api/v1/users",
                obj("username", "triage-bot", "display_name", "Triage bot", "kind", "agent", "role", "agent"));
        long former = http.post(
                        "/api/v1/users",
                        obj("username", "sam", "display_name", "Sam (left)", "password", "sam-password-1"))
                .id();
        http.patch("/api/v1/users/" + former, obj("disabled", true));
        // a second signed-in session of the same person, as from a laptop
        http.anonymous()
                .post(
                        "/api/v1/auth/login",
                        obj("username", "tester", "password", "tester-password"),
                        "User-Agent",
                        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Firefox/128.0");
        try (Browser browser = Browser.start(port)) {
            browser.driver().manage().window().setSize(new Dimension(1280, 1100));
            browser.signIn("tester", "tester-password");
            for (String tab : new String[] {"users", "profile"}) {
                browser.open("/?view=settings&tab=" + tab);
                browser.waitVisible(By.cssSelector("#tab-" + tab + "[aria-selected=true]"));
                browser.waitVisible(
                        By.cssSelector(tab.equals("users") ? "#user-list tbody tr" : "#session-list tbody tr"));
                byte[] png = browser.fullPageScreenshot();
                // the whole tab is in the picture, down to the end of its last block (Sessions, on Profile)
                java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
                double scale = ((Number) browser.js("return window.devicePixelRatio")).doubleValue();
                long bottom = ((Number) browser.js(
                                "const b = [...document.querySelectorAll('#settings-panel .settings-block')].pop();"
                                        + " return Math.ceil(b.getBoundingClientRect().bottom + window.scrollY)"))
                        .longValue();
                org.assertj.core.api.Assertions.assertThat(image.getHeight() / scale)
                        .as("height of the %s screenshot", tab)
                        .isGreaterThanOrEqualTo(bottom);
                Files.write(Path.of("docs", "settings-" + tab + ".png"), png);
            }
        }
    }
}
