package dev.agentkanban.web;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.transfer.TrelloExports;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The settings screens end to end in Chromium (issue 17), signed in as the workspace admin (a system
 * admin): an API token made in the page works against the API and stops working when revoked; a
 * member added in the page signs in; a webhook delivers to a local receiver, fails when it breaks
 * and is redelivered from its log; a Trello file is previewed (nothing written) and then imported; a
 * large import shows the server's count of the cards it went through.
 */
class WebSettingsTest extends ApiTest {

    Browser browser;

    @BeforeAll
    void startBrowser() {
        browser = Browser.start(port);
        browser.signIn("tester", "tester-password");
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    void openTab(String id) {
        browser.open("/?view=settings&tab=" + id);
        browser.waitVisible(By.cssSelector("#tab-" + id + "[aria-selected=true]"));
    }

    WebElement rowContaining(String containerId, String text) {
        return browser.until(d -> d.findElements(By.cssSelector("#" + containerId + " tbody tr")).stream()
                .filter(r -> r.getText().contains(text))
                .findFirst()
                .orElse(null));
    }

    @Test
    void anApiTokenMadeInThePageWorksAgainstTheApiUntilRevoked() {
        openTab("tokens");
        browser.waitVisible(By.id("token-name")).sendKeys("ci-bot");
        WebElement days = browser.driver().findElement(By.id("token-days"));
        days.clear();
        days.sendKeys("30");
        browser.driver().findElement(By.id("token-create")).click();
        String token = browser.waitVisible(By.id("token-secret")).getDomProperty("value");
        assertThat(token).startsWith("akt_");
        String snippet = browser.driver().findElement(By.id("mcp-snippet")).getText();
        assertThat(snippet).contains("\"mcpServers\"", "/mcp", "Bearer " + token, "X-Workspace-Id");
        assertThat(browser.driver()
                        .findElement(By.cssSelector("#token-issued .copy"))
                        .getAttribute("aria-label"))
                .isEqualTo("Copy API token");

        Http client = http.withToken(token);
        assertThat(client.get("/api/v1/boards").status()).isEqualTo(200);
        assertThat(client.post("/api/v1/boards", obj("name", "Made by the UI token"))
                        .status())
                .isEqualTo(201);
        // read and write by default, not admin
        assertThat(client.get("/api/v1/webhooks").status()).isEqualTo(403);

        WebElement row = rowContaining("token-list", "ci-bot");
        row.findElement(By.cssSelector(".revoke-token")).click();
        browser.confirmModal();
        browser.toastContaining("Token revoked");
        assertThat(client.get("/api/v1/boards").status()).isEqualTo(401);
    }

    @Test
    void aMemberAddedInThePageSignsInWithTheirRole() {
        long elsewhere = otherWorkspace("members-elsewhere");
        identities.provision("bob", "bob-password-1", elsewhere, Role.MEMBER, false);
        openTab("members");
        browser.waitVisible(By.id("member-username")).sendKeys("bob");
        new Select(browser.driver().findElement(By.id("member-new-role"))).selectByValue("member");
        browser.driver().findElement(By.id("member-add")).click();
        browser.toastContaining("bob added as member");
        WebElement bob = rowContaining("member-list", "bob");
        new Select(bob.findElement(By.cssSelector(".member-role"))).selectByValue("viewer");
        browser.toastContaining("bob is now viewer");

        Http asBob = http.anonymous();
        Response login = asBob.post("/api/v1/auth/login", obj("username", "bob", "password", "bob-password-1"));
        assertThat(login.status()).isEqualTo(200);

        browser.signIn("bob", "bob-password-1");
        WebElement workspaces = browser.waitVisible(By.id("workspace-select"));
        browser.until(d -> workspaces.getText().contains("Default"));
        new Select(workspaces)
                .selectByVisibleText(workspaces
                        .getText()
                        .lines()
                        .filter(l -> l.contains("Default"))
                        .findFirst()
                        .orElseThrow());
        browser.until(d -> (Boolean) browser.js("return document.body.classList.contains('read-only')"));
        browser.signIn("tester", "tester-password");
    }

    @Test
    void aWebhookDeliversFailsWhenBrokenAndIsRedeliveredFromItsLog() throws IOException {
        AtomicInteger status = new AtomicInteger(200);
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            long board = http.post("/api/v1/boards", obj("name", "Hooked in the page"))
                    .id();
            openTab("webhooks");
            browser.waitVisible(By.id("webhook-url")).sendKeys(url);
            browser.driver().findElement(By.id("webhook-events")).sendKeys("task_created");
            browser.driver().findElement(By.id("webhook-create")).click();
            assertThat(browser.waitVisible(By.id("webhook-secret")).getDomProperty("value"))
                    .startsWith("whsec_");

            http.post("/api/v1/tasks", obj("board_id", board, "title", "delivered"));
            browser.until(d -> received.size() == 1);
            rowContaining("webhook-list", url)
                    .findElement(By.cssSelector(".show-deliveries"))
                    .click();
            rowContaining("delivery-log", "delivered");

            // the receiver breaks: the delivery fails and the log says so
            status.set(500);
            http.post("/api/v1/tasks", obj("board_id", board, "title", "refused"));
            browser.until(d -> received.size() >= 2);
            browser.until(d -> {
                d.findElement(By.id("delivery-refresh")).click();
                return d.findElements(By.cssSelector("#delivery-log tbody tr")).stream()
                        .anyMatch(r -> r.getText().contains("500"));
            });

            // disabled, it stops retrying; fixed again, the failed delivery is redelivered from the log
            rowContaining("webhook-list", url)
                    .findElement(By.cssSelector(".toggle-webhook"))
                    .click();
            rowContaining("webhook-list", "disabled");
            status.set(200);
            rowContaining("delivery-log", "500")
                    .findElement(By.cssSelector(".redeliver"))
                    .click();
            browser.toastContaining("Queued for redelivery");
            int before = received.size();
            rowContaining("webhook-list", url)
                    .findElement(By.cssSelector(".toggle-webhook"))
                    .click();
            rowContaining("webhook-list", "active");
            browser.until(d -> received.size() > before && received.getLast().contains("refused"));
            browser.until(d -> {
                d.findElement(By.id("delivery-refresh")).click();
                List<WebElement> rows = d.findElements(By.cssSelector("#delivery-log tbody tr"));
                return rows.size() == 2
                        && rows.stream().allMatch(r -> r.getText().contains("delivered"));
            });
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aTrelloFileIsPreviewedThenImported() {
        long boards = count("boards");
        openTab("transfer");
        Path trello = Path.of("src/test/resources/transfer/trello-board.json").toAbsolutePath();
        browser.waitVisible(By.id("import-file")).sendKeys(trello.toString());
        browser.until(d -> new Select(d.findElement(By.id("import-format")))
                .getFirstSelectedOption()
                .getDomProperty("value")
                .equals("trello"));
        browser.driver().findElement(By.id("import-name")).sendKeys("From Trello in the page");
        // every text the progress line shows, in order (the upload is too quick to catch by polling)
        browser.js("window.progressTexts = []; const s = document.getElementById('import-progress-status');"
                + " new MutationObserver(() => window.progressTexts.push(s.textContent))"
                + ".observe(s, { childList: true, characterData: true, subtree: true });");
        browser.driver().findElement(By.id("import-preview")).click();
        String preview = browser.waitVisible(By.id("import-preview-report")).getText();
        assertThat(preview).contains("nothing has been written", "From Trello in the page", "dry run");
        assertThat(count("boards")).isEqualTo(boards);
        assertThat(browser.js("return window.progressTexts").toString())
                .contains("Uploading… 0%", "Uploading… 100%", "Uploaded; the server is importing…");
        assertThat(browser.driver().findElement(By.id("import-progress-status")).isDisplayed())
                .isFalse();

        browser.driver().findElement(By.id("import-confirm")).click();
        assertThat(browser.waitVisible(By.id("import-report")).getText()).contains("From Trello in the page");
        assertThat(count("boards where name = 'From Trello in the page'")).isEqualTo(1);
    }

    /**
     * A large import shows the server's count of the cards it went through, not only the upload: its
     * preview is held in the middle ({@link TrelloExports#heldBack}), so the page must show a count
     * between 0 and the total before it can finish; then it is imported.
     */
    @Test
    void aLargeImportShowsHowManyCardsTheServerWentThrough() throws Exception {
        Path file = Files.createTempFile("trello-held", ".json");
        Files.writeString(file, Http.JSON.writeValueAsString(TrelloExports.heldBack("Counted in the page", 300, 200)));
        openTab("transfer");
        browser.waitVisible(By.id("import-file")).sendKeys(file.toString());
        browser.until(d -> new Select(d.findElement(By.id("import-format")))
                .getFirstSelectedOption()
                .getDomProperty("value")
                .equals("trello"));
        browser.driver().findElement(By.id("import-name")).sendKeys("Counted in the page");
        browser.js("window.progressTexts = []; const s = document.getElementById('import-progress-status');"
                + " new MutationObserver(() => window.progressTexts.push(s.textContent))"
                + ".observe(s, { childList: true, characterData: true, subtree: true });");
        TestDatabase db = TestDatabase.get();
        try (Connection hold = DriverManager.getConnection(db.jdbcUrl, db.username, db.password)) {
            hold.setAutoCommit(false);
            try (PreparedStatement s = hold.prepareStatement("insert into tags (workspace_id, name) values (?, ?)")) {
                s.setLong(1, defaultWorkspace);
                s.setString(2, TrelloExports.HELD_BACK);
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
            // the preview (a dry run) is held: the page can only show a count between 0 and the total
            browser.driver().findElement(By.id("import-preview")).click();
            String shown = browser.until(d -> {
                String text = d.findElement(By.id("import-progress-status")).getText();
                return text.matches("Previewing… [1-9][0-9,]* of 300 cards") ? text : null;
            });
            int done = Integer.parseInt(
                    shown.replaceAll("Previewing… ([0-9,]+) of.*", "$1").replace(",", ""));
            assertThat(done).isBetween(1, 200);
            assertThat(((Number) browser.js("return document.getElementById('import-progress').value")).doubleValue())
                    .isBetween(1 / 300.0, 200 / 300.0);
            hold.rollback();
        }
        assertThat(browser.waitVisible(By.id("import-preview-report")).getText())
                .contains("nothing has been written", "Counted in the page");
        browser.driver().findElement(By.id("import-confirm")).click();
        assertThat(browser.waitVisible(By.id("import-report")).getText()).contains("Counted in the page");
        assertThat(browser.js("return window.progressTexts").toString()).contains("Uploading… 100%");
        assertThat(count("tasks t join boards b on b.id = t.board_id where b.name = 'Counted in the page'"))
                .isEqualTo(300);
    }

    @Test
    void settingsWorkAtPhoneWidthAndTheTabsByKeyboard() {
        // rows with long names and addresses: the tables stack their rows instead of scrolling inside their block
        assertThat(http.post(
                                "/api/v1/tokens",
                                obj("name", "nightly-release-pipeline-of-the-payments-team", "scopes", List.of("read")))
                        .status())
                .isEqualTo(201);
        assertThat(http.post(
                                "/api/v1/webhooks",
                                obj(
                                        "url",
                                        "http://127.0.0.1:9/hooks/a-rather-long-receiver-path/for-the-phone-width-check"))
                        .status())
                .isEqualTo(201);
        browser.driver().manage().window().setSize(new Dimension(390, 844));
        try {
            for (String tab : List.of("tokens", "webhooks")) {
                openTab(tab);
                browser.waitVisible(By.cssSelector("#settings-panel .settings-table tbody tr"));
                PageChecks.fitsTheScreen(browser, "#settings-view");
            }
            openTab("tokens");
            browser.driver().findElement(By.id("tab-tokens")).sendKeys(org.openqa.selenium.Keys.ARROW_RIGHT);
            browser.waitVisible(By.cssSelector("#tab-members[aria-selected=true]"));
            assertThat(browser.js("return document.activeElement.id")).isEqualTo("tab-members");
            PageChecks.noSidewaysScroll(browser);
            PageChecks.everyControlIsLabelled(browser, "#settings-view");
        } finally {
            browser.driver().manage().window().setSize(new Dimension(1400, 900));
        }
    }
}
