package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test of the settings screens with one Chromium for the class, and password sign-ins over the API. */
abstract class SettingsBrowserTest extends ApiTest {

    Browser browser;
    SettingsPage page;

    @BeforeAll
    void startBrowser() {
        browser = Browser.start(port);
        page = new SettingsPage(browser);
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /** A password sign-in over the API (not through the page). */
    Http.Response login(String username, String password) {
        return http.anonymous().post("/api/v1/auth/login", obj("username", username, "password", password));
    }
}
