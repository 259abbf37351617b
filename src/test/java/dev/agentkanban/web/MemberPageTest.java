package dev.agentkanban.web;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.task.TaskFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A web board test with one headless Chromium page signed in through the login form as
 * {@value #USER}, a member of the default workspace, and that member's API client and fixtures for
 * arranging the board.
 */
abstract class MemberPageTest extends ApiTest {

    static final String USER = "alice";
    static final String PASSWORD = "alice-password";

    Browser browser;
    Http alice;
    TaskFixtures fx;

    @BeforeAll
    void startBrowser() {
        alice = clientFor(USER, defaultWorkspace, Role.MEMBER);
        fx = new TaskFixtures(alice);
        browser = Browser.start(port);
        beforeSignIn(browser);
        browser.signIn(USER, PASSWORD);
    }

    /** Prepares the page before it first loads (e.g. scripts injected into every document). */
    void beforeSignIn(Browser browser) {}

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }
}
