package dev.likes.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeService;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The like button in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code scripts/test.sh} installs), driven by Selenium: optimistic toggles, the offline queue in localStorage, and
 * the double-click storm.
 */
class LikeButtonBrowserIT {

    private static ChromeDriver browser;
    private LikeService service;
    private LikeWebServer server;
    private int port;

    @BeforeAll
    static void startBrowser() {
        String chromium = System.getenv().getOrDefault("LIKE_CHROMIUM", "/usr/bin/chromium");
        String driver = System.getenv().getOrDefault("LIKE_CHROMEDRIVER", "/usr/bin/chromedriver");
        if (!new File(chromium).canExecute() || !new File(driver).canExecute()) {
            throw new IllegalStateException("the browser tests need " + chromium + " and " + driver
                    + ": scripts/test.sh installs them (Debian packages chromium, chromium-driver)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1200,900", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driver))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void startServer() throws Exception {
        service = LikeService.inMemory();
        server = LikeWebServer.start(service, 0);
        port = server.url().getPort();
        open();
        ((JavascriptExecutor) browser).executeScript("localStorage.clear()");
        open();
    }

    @AfterEach
    void stopServer() {
        server.close();
        service.close();
    }

    private void open() {
        browser.get(server.url() + "?user=1");
        until(Duration.ofSeconds(15), () -> "true".equals(browser.findElement(By.tagName("body")).getAttribute("data-ready")));
    }

    private WebElement button(int post) {
        return browser.findElement(By.id("like-post-" + post));
    }

    private String count(int post) {
        return browser.findElement(By.cssSelector("article[data-content='post:" + post + "'] .count")).getText();
    }

    private boolean pressed(int post) {
        return "true".equals(button(post).getAttribute("aria-pressed"));
    }

    private int pending() {
        return Integer.parseInt(browser.findElement(By.id("sync-status")).getAttribute("data-pending"));
    }

    private static void until(Duration timeout, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, timeout, Duration.ofMillis(50)).until(d -> condition.getAsBoolean());
    }

    @Test
    void theButtonTurnsAtOnceBeforeTheServerAnswersAndTheStateSurvivesAReload() throws Exception {
        assertThat(pressed(1)).isFalse();
        assertThat(count(1)).isEqualTo("0");
        server.responseDelay(Duration.ofMillis(2_000));
        long clicked = System.nanoTime();
        button(1).click();
        assertThat(pressed(1)).isTrue();
        assertThat(count(1)).isEqualTo("1");
        assertThat(button(1).getAttribute("class")).contains("pop");
        long shownMillis = (System.nanoTime() - clicked) / 1_000_000;
        assertThat(service.hasLiked(1, ContentRef.of("post", 1))).as("the server has not applied it yet").isFalse();
        assertThat(shownMillis).as("shown long before the delayed answer").isLessThan(2_000);

        until(Duration.ofSeconds(10), () -> pending() == 0);
        assertThat(service.hasLiked(1, ContentRef.of("post", 1))).isTrue();
        server.responseDelay(Duration.ZERO);
        open();
        assertThat(pressed(1)).isTrue();
        assertThat(count(1)).isEqualTo("1");
        screenshot("like-demo.png");
    }

    @Test
    void aClickWhileTheServerIsDownIsQueuedAndDrainsWhenItIsBack() throws Exception {
        server.close();
        button(2).click();
        assertThat(pressed(2)).isTrue();
        until(Duration.ofSeconds(5), () -> pending() == 1);
        assertThat((String) ((JavascriptExecutor) browser).executeScript("return localStorage.getItem('like-queue:1')"))
                .contains("post:2", "\"like\"", "requestId");
        assertThat(button(2).getAttribute("class")).contains("queued");
        screenshot("like-demo-offline.png");

        server = LikeWebServer.start(service, port); // the same address comes back
        until(Duration.ofSeconds(30), () -> pending() == 0);
        assertThat(service.hasLiked(1, ContentRef.of("post", 2))).isTrue();
        assertThat(service.count(ContentRef.of("post", 2))).isEqualTo(1);
        assertThat(count(2)).isEqualTo("1");
        assertThat(pressed(2)).isTrue();
    }

    @Test
    void aQueuedClickSurvivesAPageReload() {
        server.apiAvailable(false);
        button(3).click();
        until(Duration.ofSeconds(5), () -> pending() == 1);
        open(); // the page is served, the API still down: the click waits in localStorage
        assertThat(pressed(3)).as("the waiting click is shown after the reload").isTrue();
        assertThat(pending()).isEqualTo(1);
        assertThat(service.hasLiked(1, ContentRef.of("post", 3))).isFalse();

        server.apiAvailable(true);
        until(Duration.ofSeconds(30), () -> pending() == 0);
        assertThat(service.hasLiked(1, ContentRef.of("post", 3))).isTrue();
        assertThat(count(3)).isEqualTo("1");
    }

    @Test
    void aDoubleClickStormEndsInTheLastIntent() {
        server.responseDelay(Duration.ofMillis(150));
        for (int i = 0; i < 7; i++) {
            button(4).click();
        }
        for (int i = 0; i < 6; i++) {
            button(5).click();
        }
        assertThat(pressed(4)).isTrue();
        assertThat(pressed(5)).isFalse();
        until(Duration.ofSeconds(15), () -> pending() == 0);
        assertThat(service.hasLiked(1, ContentRef.of("post", 4))).isTrue();
        assertThat(service.count(ContentRef.of("post", 4))).isEqualTo(1);
        assertThat(service.hasLiked(1, ContentRef.of("post", 5))).isFalse();
        assertThat(service.count(ContentRef.of("post", 5))).isZero();
        assertThat(count(4)).isEqualTo("1");
        assertThat(count(5)).isEqualTo("0");
    }

    @Test
    void theServersAnswerWinsWhenItDisagrees() {
        // another device of the same user liked post 6 after this page loaded
        service.like(1, ContentRef.of("post", 6));
        service.like(2, ContentRef.of("post", 6));
        assertThat(pressed(6)).isFalse();
        button(6).click(); // the page thinks: like (0 -> 1); the server says: already liked, 2 likes
        until(Duration.ofSeconds(10), () -> pending() == 0 && "2".equals(count(6)));
        assertThat(pressed(6)).isTrue();
    }

    private static void screenshot(String name) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
