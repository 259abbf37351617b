package dev.agentkanban.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.node.ObjectNode;

/**
 * The page's side of the live protocol (js/live.js), against a scripted stand-in for the server's
 * socket installed before the page loads: it subscribes to the board, applies board events as they
 * come (naming the actor), answers heartbeats, falls back to polling when the socket drops, and on
 * reconnecting asks for what it missed with the last event id it saw.
 */
class WebBoardSocketTest extends MemberPageTest {

    static final String FAKE_SOCKET = """
            window.__sockets = [];
            class FakeSocket {
              constructor(url) {
                this.url = url; this.sent = []; this.readyState = 0; window.__sockets.push(this);
                setTimeout(() => { this.readyState = 1; this.onopen && this.onopen({}); }, 10);
              }
              send(text) { this.sent.push(JSON.parse(text)); }
              close() { this.readyState = 3; }
              push(message) { this.onmessage && this.onmessage({ data: JSON.stringify(message) }); }
              drop() { this.readyState = 3; this.onclose && this.onclose({ code: 1006 }); }
            }
            FakeSocket.CONNECTING = 0; FakeSocket.OPEN = 1; FakeSocket.CLOSING = 2; FakeSocket.CLOSED = 3;
            window.WebSocket = FakeSocket;
            // the change feed asked after a made-up event id answers an empty page at that cursor, as it
            // would if the id were real (the real feed refuses a cursor beyond its end, and the page drops it)
            window.__madeUpFrom = Infinity;
            // with __holdWrites, a write (any request but a GET) waits in __held until the test lets it go
            window.__holdWrites = false;
            window.__held = [];
            const feedFetch = window.fetch.bind(window);
            window.fetch = (url, opts) => {
              if (window.__holdWrites && opts?.method && opts.method !== 'GET') {
                return new Promise((resolve) => window.__held.push(() => resolve(feedFetch(url, opts))));
              }
              const after = new URL(String(url), location.href).searchParams.get('after');
              if (String(url).includes('/api/v1/events') && /^[0-9]+$/.test(after ?? '') && Number(after) >= window.__madeUpFrom) {
                return Promise.resolve(new Response(JSON.stringify({ items: [], next_cursor: Number(after), has_more: false }),
                  { status: 200, headers: { 'Content-Type': 'application/json' } }));
              }
              return feedFetch(url, opts);
            };
            """;

    @Override
    void beforeSignIn(Browser browser) {
        ((ChromeDriver) browser.driver())
                .executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", FAKE_SOCKET));
    }

    Object socket(int index, String expression) {
        return browser.js("return window.__sockets[" + index + "]." + expression);
    }

    void push(int index, String json) {
        browser.js("window.__sockets[" + index + "].push(" + json + ")");
    }

    /**
     * Where made-up event ids start: beyond every real one (the board's own load reports the outbox's end,
     * and the page resumes from the highest id it knows).
     */
    long madeUpIds() {
        madeUpFrom = jdbc.sql("select coalesce(max(id), 0) + 1000 from outbox_events")
                .query(Long.class)
                .single();
        return madeUpFrom;
    }

    /** Where this test's made-up event ids start (see {@link #FAKE_SOCKET}'s change feed). */
    long madeUpFrom = Long.MAX_VALUE;

    /** Opens the board; its first socket connects, the page subscribes, and the socket answers {@code cursor}. */
    void goLive(long board, long cursor) {
        browser.openBoard(board, null);
        browser.js("window.__madeUpFrom = arguments[0]", madeUpFrom);
        browser.until(d -> ((Number) browser.js("return window.__sockets.length")).intValue() == 1);
        push(0, "{type: 'connected', workspace_id: " + defaultWorkspace + ", username: 'alice'}");
        browser.until(d -> ((Number) socket(0, "sent.length")).intValue() == 1);
        push(0, "{type: 'subscribed', board_id: " + board + ", cursor: " + cursor + "}");
        browser.until(d -> "live".equals(d.findElement(By.id("live-status")).getAttribute("data-status")));
    }

    /** Drops the first socket; answers what the page sends first on the second once it is connected. */
    Object dropAndReconnect() {
        browser.js("window.__sockets[0].drop()");
        browser.until(d -> !"live".equals(d.findElement(By.id("live-status")).getAttribute("data-status")));
        browser.until(d -> ((Number) browser.js("return window.__sockets.length")).intValue() == 2);
        push(1, "{type: 'connected', workspace_id: " + defaultWorkspace + "}");
        browser.until(d -> ((Number) socket(1, "sent.length")).intValue() == 1);
        return socket(1, "sent[0]");
    }

    @Test
    void subscribesAppliesEventsAnswersHeartbeatsAndResumesFromTheLastEventAfterADrop() {
        long[] b = fx.board("Socket");
        long e = madeUpIds();
        goLive(b[0], e + 41);
        assertThat((String) socket(0, "url")).contains("/ws?token=");
        assertThat(socket(0, "sent[0]")).isEqualTo(Map.of("type", "subscribe_board", "board_id", b[0]));

        long id = fx.task(b[0], "made elsewhere", "column_id", b[2]);
        String task = alice.get("/api/v1/tasks/" + id).body();
        push(
                0,
                "{event: 'task_created', board_id: " + b[0] + ", event_id: " + (e + 42)
                        + ", timestamp: new Date().toISOString()," + " actor: 'carol', data: {task: " + task + "}}");
        WebElement card = browser.card("made elsewhere");
        assertThat(card.findElement(By.cssSelector(".card-actor")).getText()).isEqualTo("carol");
        assertThat(browser.column("To Do")
                        .findElement(By.cssSelector(".column-count"))
                        .getText())
                .isEqualTo("1");

        push(
                0,
                "{event: 'task_created', board_id: " + (b[0] + 1000)
                        + ", event_id: " + (e + 43) + ", actor: 'x', data: {task: {id: 999999," + " column_id: " + b[2]
                        + ", title: 'other board', version: 1, position: 1}}}");
        push(0, "{type: 'heartbeat'}");
        browser.until(d -> ((Number) socket(0, "sent.length")).intValue() == 2);
        assertThat(socket(0, "sent[1]")).isEqualTo(Map.of("type", "heartbeat_response"));
        assertThat(browser.titles("To Do")).containsExactly("made elsewhere");

        assertThat(dropAndReconnect())
                .isEqualTo(Map.of("type", "subscribe_board", "board_id", b[0], "last_event_id", e + 42));
    }

    /**
     * A cursor the server cannot resume from (here one beyond the feed's end, as after a restore) comes back
     * as {@code error cursor_expired} with the subscription's own cursor: the page takes that cursor and
     * reloads the board. Keeping its own would drop every live event up to it as already applied.
     */
    @Test
    void aCursorTheServerCannotResumeFromIsReplacedByTheSubscriptionsAndTheBoardReloaded() {
        long[] b = fx.board("Restored");
        long e = madeUpIds();
        goLive(b[0], e + 41);
        assertThat(dropAndReconnect())
                .isEqualTo(Map.of("type", "subscribe_board", "board_id", b[0], "last_event_id", e + 41));

        fx.task(b[0], "seen by the reload", "column_id", b[2]);
        push(1, "{type: 'subscribed', board_id: " + b[0] + ", cursor: " + e + "}");
        push(1, "{type: 'error', code: 'cursor_expired', board_id: " + b[0] + ", cursor: " + e + "}");
        browser.waitForTitles("To Do", List.of("seen by the reload"));

        long id = fx.task(b[0], "pushed live", "column_id", b[2]);
        String task = alice.get("/api/v1/tasks/" + id).body();
        push(
                1,
                "{event: 'task_created', board_id: " + b[0] + ", event_id: " + (e + 1)
                        + ", timestamp: new Date().toISOString(), actor: 'carol', data: {task: " + task + "}}");
        browser.waitForTitles("To Do", List.of("seen by the reload", "pushed live"));
    }

    /**
     * The page's own change often comes over the socket before the answer to its request: it is not a
     * change made elsewhere, so the card does not flash with the person's own name.
     */
    @Test
    void thePagesOwnMoveArrivingLiveBeforeItsAnswerDoesNotFlashAsAChangeMadeElsewhere() {
        long[] b = fx.board("Own move");
        long id = fx.task(b[0], "mine to move", "column_id", b[2]);
        long e = madeUpIds();
        goLive(b[0], e);
        browser.js("window.__holdWrites = true");
        browser.card("mine to move").sendKeys("m");
        browser.card("mine to move").sendKeys(Keys.ARROW_RIGHT);
        browser.card("mine to move").sendKeys(Keys.ENTER);
        browser.until(d -> ((Number) browser.js("return window.__held.length")).intValue() == 1);

        ObjectNode moved = (ObjectNode) alice.get("/api/v1/tasks/" + id).json();
        moved.put("column_id", b[3]).put("column", "In Progress").put("status", "in_progress");
        moved.put("version", moved.get("version").asLong() + 1);
        push(
                0,
                "{event: 'task_moved', board_id: " + b[0] + ", event_id: " + (e + 1)
                        + ", timestamp: new Date().toISOString(), actor: 'alice', data: {task: " + moved + "}}");
        WebElement card = browser.card("mine to move");
        assertThat(card.getAttribute("class")).doesNotContain("flash");
        assertThat(card.findElements(By.cssSelector(".card-actor"))).isEmpty();

        browser.js("window.__holdWrites = false; window.__held.splice(0).forEach((go) => go())");
        browser.until(d -> fx.get(id).get("column_id").asLong() == b[3]);
        browser.waitForTitles("In Progress", List.of("mine to move"));
        assertThat(browser.card("mine to move").findElements(By.cssSelector(".card-actor")))
                .isEmpty();
    }

    @Test
    void aSocketBoundToAnotherWorkspaceIsLeftForPolling() {
        long[] b = fx.board("Elsewhere");
        browser.openBoard(b[0], null);
        browser.until(d -> ((Number) browser.js("return window.__sockets.length")).intValue() >= 1);
        int last = ((Number) browser.js("return window.__sockets.length")).intValue() - 1;
        push(last, "{type: 'connected', workspace_id: " + (defaultWorkspace + 1000) + "}");
        browser.until(d -> "polling".equals(d.findElement(By.id("live-status")).getAttribute("data-status")));
        assertThat(((Number) socket(last, "sent.length")).intValue()).isZero();
        fx.task(b[0], "seen by polling", "column_id", b[2]);
        browser.waitForTitles("To Do", List.of("seen by polling"));
    }
}
