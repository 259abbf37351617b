package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * How the page keeps its board current: over the live socket in whichever workspace the person
 * picks, and, when the socket cannot connect, by following the change feed at a pace that leaves
 * most of the credential's rate limit (60 requests a minute by default) to the person's own work.
 */
class WebBoardConnectionTest extends ApiTest {

    /**
     * Counts the page's API requests and socket attempts ({@code window.__requests}: url and page
     * time), and blocks the socket while {@code window.__blockSocket} is true (each attempt fails at
     * once, as behind a proxy that refuses WebSockets).
     */
    static final String COUNTING = """
            window.__requests = [];
            window.__blockSocket = true;
            const realFetch = window.fetch.bind(window);
            window.__holdFeed = false;
            window.__held = [];
            window.__feedHandled = 0;
            window.fetch = (url, opts) => {
              window.__requests.push({ url: String(url), t: performance.now() });
              if (!window.__holdFeed || !String(url).includes('/api/v1/events')) return realFetch(url, opts);
              // held until the test releases it; once the page has read it, a task later __feedHandled counts it
              return new Promise((release) => window.__held.push(release))
                .then(() => realFetch(url, opts))
                .then((res) => {
                  const text = res.text.bind(res);
                  res.text = () => text().then((t) => {
                    setTimeout(() => window.__feedHandled++, 0);
                    return t;
                  });
                  return res;
                });
            };
            const RealSocket = window.WebSocket;
            function CountedSocket(url, protocols) {
              window.__requests.push({ url: 'socket', t: performance.now() });
              if (!window.__blockSocket) return new RealSocket(url, protocols);
              this.readyState = 3;
              setTimeout(() => this.onclose && this.onclose({ code: 1006 }), 0);
            }
            CountedSocket.prototype.send = function () {};
            CountedSocket.prototype.close = function () {};
            Object.assign(CountedSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
            window.WebSocket = CountedSocket;
            """;

    /**
     * Makes the first {@code after=latest} answer of the page carry a cursor far beyond the feed's end, as
     * a cursor kept from before the database was restored from an older backup would be.
     */
    static final String FUTURE_CURSOR = """
            window.__futureCursor = true;
            const fetchBefore = window.fetch;
            window.fetch = (url, opts) => fetchBefore(url, opts).then((res) => {
              if (!window.__futureCursor || !String(url).includes('after=latest')) return res;
              window.__futureCursor = false;
              return res.json().then((page) => new Response(JSON.stringify({ ...page, next_cursor: 1000000000000 }),
                { status: res.status, headers: res.headers }));
            });
            """;

    Browser browser;
    TaskFixtures fx;

    @BeforeAll
    void startBrowser() {
        fx = new TaskFixtures(clientFor("dora", defaultWorkspace, Role.MEMBER));
        browser = Browser.start(port);
        browser.signIn("dora", "dora-password");
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void aBoardOfAnyWorkspaceThePersonPicksIsFollowedLive() {
        long team = otherWorkspace("team-two");
        User erin = identities.provision("erin", "erin-password", defaultWorkspace, Role.MEMBER, false);
        assertThat(http.post("/api/v1/workspaces/" + team + "/members", obj("user_id", erin.id(), "role", "member"))
                        .status())
                .isEqualTo(202);
        Http erinInTeam = http.as(
                "Authorization",
                "Bearer " + identities.issueToken(erin.id(), "web", List.of("read", "write")),
                "X-Workspace-Id",
                Long.toString(team));
        TaskFixtures inTeam = new TaskFixtures(erinInTeam);
        long[] b = inTeam.board("Team two's board");
        try (Browser erinPage = Browser.start(port)) {
            erinPage.signIn("erin", "erin-password");
            new Select(erinPage.waitVisible(By.id("workspace-select"))).selectByValue(Long.toString(team));
            erinPage.until(d -> d.findElements(By.cssSelector("#board-select option:checked")).stream()
                    .anyMatch(o -> o.getText().equals("Team two's board")));
            erinPage.column("To Do");
            erinPage.until(
                    d -> "live".equals(d.findElement(By.id("live-status")).getAttribute("data-status")));

            inTeam.task(b[0], "made in team two", "column_id", b[2]);

            erinPage.waitForTitles("To Do", List.of("made in team two"));
            assertThat(erinPage.driver().findElement(By.id("live-status")).getAttribute("data-status"))
                    .isEqualTo("live");
        }
    }

    @Test
    void withTheSocketBlockedThePageFollowsTheChangeFeedWellUnderTheRateLimit() {
        long[] b = fx.board("Fallback");
        Object script = onEveryPage(COUNTING);
        try {
            browser.openBoard(b[0], null);
            // once the page follows the feed (it has its cursor), a change is made through the API
            browser.until(d -> count("after=latest", 0, 1e9) >= 1);
            fx.task(b[0], "made through the API", "column_id", b[2]);
            browser.waitForTitles("To Do", List.of("made through the API"));
            assertThat(browser.driver().findElement(By.id("live-status")).getAttribute("data-status"))
                    .isEqualTo("polling");

            // the first 30 s of the page, start-up included: the measurement window, not a synchronisation
            // point. The budgets below count requests in the page's own 30 s, so a busy machine can only
            // lower the counts; the generous wall-clock limit is only there so that a slow start cannot fail it.
            browser.until(Duration.ofSeconds(90), d -> pageTime() > 30_000);
            long api = count("/api/", 0, 30_000);
            long feed = count("/api/v1/events", 0, 30_000);
            long sockets = count("socket", 0, 30_000);
            System.out.printf(
                    "socket blocked, first 30 s of the page: %d API requests (%d to the change feed), %d socket attempts%n",
                    api, feed, sockets);
            assertThat(api)
                    .as("API requests in 30 s, against a budget of 30 (60/min)")
                    .isLessThanOrEqualTo(12);
            assertThat(sockets)
                    .as("socket attempts in 30 s (RATE_LIMIT_WS_CONNECT 10/min)")
                    .isLessThanOrEqualTo(4);

            // when the socket gets through, the page goes live and stops polling; the feed request the
            // page sends at the same moment is held until the socket is live, and its late answer must
            // not turn the status back to polling
            browser.js("window.__holdFeed = true; window.__blockSocket = false;"
                    + " document.dispatchEvent(new Event('visibilitychange'))");
            browser.until(d -> "live".equals(d.findElement(By.id("live-status")).getAttribute("data-status")));
            long held = ((Number) browser.js("window.__holdFeed = false; const h = window.__held; window.__held = [];"
                            + " h.forEach((release) => release()); return h.length"))
                    .longValue();
            browser.until(d -> ((Number) browser.js("return window.__feedHandled")).longValue() >= held);
            assertThat(browser.driver().findElement(By.id("live-status")).getAttribute("data-status"))
                    .as("status after a feed answer that arrived once the socket was live (%d held)", held)
                    .isEqualTo("live");
            double live = pageTime();
            fx.task(b[0], "made while live", "column_id", b[2]);
            browser.waitForTitles("To Do", List.of("made through the API", "made while live"));
            // longer than the shortest polling interval (5 s): the measurement window, not a synchronisation point
            browser.until(Duration.ofSeconds(30), d -> pageTime() > live + 7_000);
            assertThat(count("/api/v1/events", live, 1e9))
                    .as("feed requests while the socket is open")
                    .isZero();
        } finally {
            notOnNewPages(script);
        }
    }

    /** A cursor the feed does not know (422) is dropped: the page starts again from the feed's end and a reload. */
    @Test
    void aCursorBeyondTheFeedsEndMakesThePageReloadInsteadOfAskingWithItForever() {
        long[] b = fx.board("Restored");
        Object counting = onEveryPage(COUNTING);
        Object future = onEveryPage(FUTURE_CURSOR);
        try {
            browser.openBoard(b[0], null);
            browser.until(Duration.ofSeconds(30), d -> count("after=1000000000000", 0, 1e9) >= 1);
            fx.task(b[0], "made after the restore", "column_id", b[2]);
            // the page's back-off after the refused round is 10 s; then it takes the feed's end and reloads
            browser.until(Duration.ofSeconds(60), d -> browser.titles("To Do").contains("made after the restore"));
            assertThat(count("after=latest", 0, 1e9)).isGreaterThanOrEqualTo(2);
            assertThat(count("after=1000000000000", 0, 1e9))
                    .as("the unknown cursor is not asked with again")
                    .isEqualTo(1);
        } finally {
            notOnNewPages(future);
            notOnNewPages(counting);
        }
    }

    /** Runs this script first on every page the browser opens from now on; answers its identifier. */
    private Object onEveryPage(String source) {
        return browser.driver()
                .executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source))
                .get("identifier");
    }

    private void notOnNewPages(Object script) {
        browser.driver().executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script));
    }

    private double pageTime() {
        return ((Number) browser.js("return performance.now()")).doubleValue();
    }

    /** How many of the page's requests whose url contains {@code part} it made between these page times (ms). */
    private long count(String part, double from, double to) {
        return ((Number) browser.js(
                        "return window.__requests.filter(r => r.url.includes(arguments[0])"
                                + " && r.t > arguments[1] && r.t <= arguments[2]).length",
                        part,
                        from,
                        to))
                .longValue();
    }
}
