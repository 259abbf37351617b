package dev.agentkanban.web;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (Debian's {@code chromium} and {@code chromedriver}; Selenium Manager is never
 * asked to download anything) pointed at the app, with the few page operations the web board tests
 * share. Without Chromium installed the tests are skipped, except on CI ({@code CI=true}) where that
 * is a failure: {@code .ci/run} installs it.
 */
final class Browser implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final ChromeDriver driver;
    private final String base;
    private final Path profile;

    private Browser(ChromeDriver driver, String base, Path profile) {
        this.driver = driver;
        this.base = base;
        this.profile = profile;
    }

    static Browser start(int port) {
        return start("http://localhost:" + port);
    }

    /** A browser whose pages are under {@code base}, e.g. {@code http://127.0.0.1:8080}. */
    static Browser start(String base) {
        String chromium = env("CHROME_BIN", "/usr/bin/chromium");
        String chromedriver = env("CHROMEDRIVER", "/usr/bin/chromedriver");
        boolean installed = Files.isExecutable(Path.of(chromium)) && Files.isExecutable(Path.of(chromedriver));
        if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(
                    "chromium and chromedriver are required on CI (apt-get install -y chromium chromium-driver)");
        }
        Assumptions.assumeTrue(
                installed, "chromium/chromedriver not installed: apt-get install -y chromium chromium-driver");
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty("webdriver.chrome.driver", chromedriver);
        Path profile;
        try {
            profile = Files.createTempDirectory("kanban-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-extensions",
                "--window-size=1400,900",
                "--user-data-dir=" + profile);
        org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort()
                .build();
        return new Browser(new ChromeDriver(service, options), base, profile);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens a page of the app, e.g. {@code "/?board=3"}. */
    void open(String path) {
        driver.get(base + path);
    }

    /** Signs in through the login form (the session lives in this tab's sessionStorage). */
    void signIn(String username, String password) {
        open("/");
        clearSession();
        open("/");
        WebElement user = waitVisible(By.id("login-username"));
        user.sendKeys(username);
        driver.findElement(By.id("login-password")).sendKeys(password);
        driver.findElement(By.id("login-submit")).click();
        waitVisible(By.id("app-view"));
    }

    void clearSession() {
        js("sessionStorage.clear()");
    }

    /** Opens a board and waits until its columns are shown. */
    void openBoard(long boardId, String query) {
        open("/?board=" + boardId + (query == null || query.isEmpty() ? "" : "&" + query));
        until(d -> !d.findElements(By.cssSelector("#board .column")).isEmpty());
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    WebElement waitVisible(By by) {
        return until(ExpectedConditions.visibilityOfElementLocated(by)::apply);
    }

    /** Waits for the condition; on a timeout the error carries the page's text and its console output. */
    <T> T until(Function<WebDriver, T> condition) {
        return until(WAIT, condition);
    }

    /** Waits up to {@code timeout} for the condition. */
    <T> T until(Duration timeout, Function<WebDriver, T> condition) {
        try {
            // the board re-renders as changes arrive: an element found a moment ago may be gone, so look again
            return new WebDriverWait(driver, timeout)
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(condition::apply);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "timed out on " + driver.getCurrentUrl() + "\n--- page text ---\n" + pageText()
                            + "\n--- console ---\n" + console(),
                    e);
        }
    }

    private String pageText() {
        try {
            return driver.findElement(By.tagName("body")).getText();
        } catch (RuntimeException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }

    private String console() {
        try {
            return String.join(
                    "\n",
                    driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                            .map(l -> l.getLevel() + " " + l.getMessage())
                            .toList());
        } catch (RuntimeException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }

    /** The column section with this name. */
    WebElement column(String name) {
        return until(d -> d.findElements(By.cssSelector("#board .column")).stream()
                .filter(c ->
                        c.findElement(By.cssSelector(".column-name")).getText().equals(name))
                .findFirst()
                .orElse(null));
    }

    /** The card with this exact title (waits for it). */
    WebElement card(String title) {
        return until(d -> d.findElements(By.cssSelector("#board .card")).stream()
                .filter(c -> c.findElements(By.cssSelector(".card-title")).stream()
                        .anyMatch(t -> t.getText().equals(title)))
                .findFirst()
                .orElse(null));
    }

    /** The card titles of a column, top to bottom. */
    List<String> titles(String column) {
        return column(column).findElements(By.cssSelector(".card .card-title")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** Waits until the column shows exactly these titles in this order. */
    void waitForTitles(String column, List<String> expected) {
        until(d -> {
            try {
                return titles(column).equals(expected);
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return false;
            }
        });
    }

    /** The text of the newest toast, once there is one containing {@code part}. */
    String toastContaining(String part) {
        return until(d -> d.findElements(By.cssSelector("#toasts .toast-text")).stream()
                .map(WebElement::getText)
                .filter(t -> t.contains(part))
                .findFirst()
                .orElse(null));
    }

    /** Clicks the OK button of the open modal (confirm or prompt). */
    void confirmModal() {
        waitVisible(By.cssSelector("dialog.modal[open] [data-role=ok]")).click();
        until(d -> d.findElements(By.cssSelector("dialog.modal[open]")).isEmpty());
    }

    void cancelModal() {
        waitVisible(By.cssSelector("dialog.modal[open] [data-role=cancel]")).click();
        until(d -> d.findElements(By.cssSelector("dialog.modal[open]")).isEmpty());
    }

    byte[] screenshot() {
        return driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
    }

    /** How far down the page's content reaches, in CSS pixels (inner scrolling blocks included). */
    long contentHeight() {
        return ((Number) js("""
                        return Math.ceil(Math.max(document.documentElement.scrollHeight,
                          ...[...document.querySelectorAll('body *')].filter(e => e.getClientRects().length > 0)
                            .map(e => e.getBoundingClientRect().bottom + window.scrollY)))
                        """)).longValue();
    }

    /**
     * A screenshot of the whole page however long it is: the window is made as tall as the content
     * (the viewport alone cuts a long settings tab off), then given back its size.
     */
    byte[] fullPageScreenshot() {
        org.openqa.selenium.Dimension before = driver.manage().window().getSize();
        long frame = before.getHeight() - ((Number) js("return window.innerHeight")).longValue();
        try {
            for (int i = 0; i < 3; i++) { // the layout may grow once the window does
                long wanted = contentHeight() + frame;
                if (wanted <= driver.manage().window().getSize().getHeight()) {
                    break;
                }
                driver.manage().window().setSize(new org.openqa.selenium.Dimension(before.getWidth(), (int) wanted));
            }
            return screenshot();
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }
}
