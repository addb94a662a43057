package dev.likes.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import dev.likes.core.ContentRef;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The like button in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code scripts/test.sh} installs), driven by Selenium against the demo server: optimistic toggles, the offline
 * queue, honest status, the offline app shell, live counts, accessibility (axe-core), compact counts, 64-bit ids.
 * Each test runs on a server of its own port, so the browser's storage and service worker start empty.
 */
class LikeButtonBrowserIT {

    private static final byte[] KEY = "a session key of the browser tests, 32+ bytes".getBytes();
    private static ChromeDriver browser;
    private static Path profile;

    /** Per-content behaviour of the store, for refusals, 202 and large counts. */
    private final Map<ContentRef, Function<LikeMutation, CompletionStage<LikeResult>>> applies =
            new ConcurrentHashMap<>();
    private final Map<ContentRef, Long> fixedCounts = new ConcurrentHashMap<>();
    private LikeService service;
    private LikeWebServer server;
    private int port;

    @BeforeAll
    static void startBrowser() throws Exception {
        String chromium = System.getenv().getOrDefault("LIKE_CHROMIUM", "/usr/bin/chromium");
        String driver = System.getenv().getOrDefault("LIKE_CHROMEDRIVER", "/usr/bin/chromedriver");
        if (!new File(chromium).canExecute() || !new File(driver).canExecute()) {
            throw new IllegalStateException("the browser tests need " + chromium + " and " + driver
                    + ": scripts/test.sh installs them (Debian packages chromium, chromium-driver)");
        }
        profile = Files.createTempDirectory("like-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1200,900", "--no-first-run", "--disable-extensions", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--lang=en-US", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driver))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void startServer() throws Exception {
        InMemoryLikeStore memory = InMemoryLikeStore.create();
        service = LikeService.builder(new LikeWebServerTest.Delegating(memory) {
            @Override
            public CompletionStage<LikeResult> apply(LikeMutation mutation) {
                Function<LikeMutation, CompletionStage<LikeResult>> special = applies.get(mutation.content());
                return special != null ? special.apply(mutation) : super.apply(mutation);
            }

            @Override
            public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
                return super.counts(contents).thenApply(counts -> {
                    Map<ContentRef, Long> out = new HashMap<>(counts);
                    fixedCounts.forEach((c, n) -> out.computeIfPresent(c, (k, v) -> n));
                    return out;
                });
            }
        }).build();
        server = LikeWebServer.builder(service).contents(WebDemo.CATALOGUE).sessionKey(KEY).start();
        port = server.url().getPort();
    }

    @AfterEach
    void stopServer() {
        if (browser.getWindowHandles().size() > 1) {
            String first = browser.getWindowHandles().iterator().next();
            for (String handle : browser.getWindowHandles()) {
                if (!handle.equals(first)) {
                    browser.switchTo().window(handle).close();
                }
            }
            browser.switchTo().window(first);
        }
        server.close();
        service.close();
    }

    private void restartServer() throws Exception {
        server = LikeWebServer.builder(service).port(port).contents(WebDemo.CATALOGUE).sessionKey(KEY).start();
    }

    /** Signs in through the demo's sign-in page and waits for the feed; {@code knobs} like "refresh=1000". */
    private void signIn(String user, String knobs) {
        browser.get(server.url() + "signin.html?user=" + user + (knobs.isEmpty() ? "" : "&" + knobs));
        browser.findElement(By.cssSelector("#signin button[type=submit]")).click();
        until(Duration.ofSeconds(15), () -> browser.getCurrentUrl().contains("/?") && ready());
    }

    private void reload() {
        browser.navigate().refresh();
        until(Duration.ofSeconds(15), this::ready);
    }

    private boolean ready() {
        return "true".equals(browser.findElement(By.tagName("body")).getAttribute("data-ready"));
    }

    private WebElement button(int post) {
        return browser.findElement(By.id("like-post-" + post));
    }

    private WebElement card(int post) {
        return browser.findElement(By.cssSelector("article[data-content='post:" + post + "']"));
    }

    private String count(int post) {
        return card(post).findElement(By.cssSelector(".count .n")).getText();
    }

    private String note(int post) {
        return card(post).findElement(By.cssSelector(".note")).getText();
    }

    private String sync(int post) {
        return card(post).getAttribute("data-sync");
    }

    private boolean pressed(int post) {
        return "true".equals(button(post).getAttribute("aria-pressed"));
    }

    private String status() {
        return browser.findElement(By.id("sync-status")).getAttribute("data-state");
    }

    private String statusText() {
        return browser.findElement(By.id("sync-status")).getText();
    }

    private int pending() {
        String n = browser.findElement(By.id("sync-status")).getAttribute("data-pending");
        return n == null ? -1 : Integer.parseInt(n);
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void waitForServiceWorker() {
        Object ok = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "navigator.serviceWorker.ready.then(() => caches.open('like-shell-v1'))"
                        + ".then((c) => c.keys()).then((k) => done(k.length)).catch((e) => done(String(e)));");
        assertThat(ok).as("the app shell is cached").isEqualTo(6L);
    }

    private static void until(Duration timeout, BooleanSupplier condition) {
        new WebDriverWait(browser, timeout, Duration.ofMillis(50))
                .withMessage(() -> "page " + browser.getCurrentUrl() + " shows: "
                        + browser.findElement(By.tagName("body")).getText().replace('\n', '|'))
                .until(d -> condition.getAsBoolean());
    }

    private static ContentRef post(int n) {
        return ContentRef.of("post", n);
    }

    @Test
    void theButtonTurnsAtOnceShowsSavingNotAWarningAndTheStateSurvivesAReload() throws Exception {
        signIn("1", "");
        assertThat(pressed(1)).isFalse();
        assertThat(count(1)).isEqualTo("0");
        assertThat(status()).isEqualTo("saved");
        assertThat(statusText()).isEqualTo("Up to date.");
        server.responseDelay(Duration.ofMillis(2_000));
        button(1).click();
        assertThat(pressed(1)).isTrue();
        assertThat(count(1)).isEqualTo("1");
        assertThat(service.hasLiked(1, post(1))).as("the server has not applied it yet").isFalse();
        assertThat(status()).as("a normal request is 'saving', not a warning").isEqualTo("saving");
        assertThat(sync(1)).isEqualTo("sending");
        assertThat(button(1).getAttribute("class")).doesNotContain("queued");
        assertThat(note(1)).isEqualTo("Saving…");

        until(Duration.ofSeconds(10), () -> pending() == 0);
        assertThat(service.hasLiked(1, post(1))).isTrue();
        assertThat(statusText()).isEqualTo("All changes saved.");
        assertThat(note(1)).isEmpty();
        server.responseDelay(Duration.ZERO);
        reload();
        assertThat(pressed(1)).isTrue();
        assertThat(count(1)).isEqualTo("1");
        screenshot("like-demo.png");
    }

    @Test
    void aPageLoadedWhileTheApiIsDownShowsUnknownNotSavedAndCorrectsItselfWhenItIsBack() {
        service.like(2, post(5));
        service.like(3, post(5));
        service.like(1, post(6));
        signIn("1", "backoff=60000&refresh=600000");
        server.apiAvailable(false);
        reload();
        assertThat(count(5)).isEqualTo("–");
        assertThat(sync(5)).isEqualTo("unknown");
        assertThat(pressed(6)).as("unknown is shown unpressed").isFalse();
        assertThat(status()).isEqualTo("offline");
        assertThat(statusText()).contains("Can't reach the server").doesNotContain("saved");
        WebElement retry = browser.findElement(By.id("retry-now"));
        assertThat(retry.isDisplayed()).isTrue();

        server.apiAvailable(true);
        retry.click();
        until(Duration.ofSeconds(10), () -> "2".equals(count(5)));
        assertThat(pressed(6)).isTrue();
        assertThat(status()).isEqualTo("saved");
        assertThat(retry.isDisplayed()).isFalse();
    }

    @Test
    void aRefusedClickSaysWhyA202SaysItWillShowLaterAndA429Waits() {
        applies.put(post(2), m -> CompletableFuture.failedFuture(
                new IllegalArgumentException("post:2 is closed for likes")));
        applies.put(post(3), m -> CompletableFuture.completedFuture(
                new LikeResult(LikeResult.Status.ACCEPTED, true, 1, 1)));
        applies.put(post(4), m -> CompletableFuture.failedFuture(new LikeRejectedException(
                LikeRejectedException.Reason.RATE_LIMITED, Duration.ofSeconds(30), "user 1 is over their rate limit")));
        signIn("1", "");
        button(2).click();
        until(Duration.ofSeconds(10), () -> "refused".equals(sync(2)));
        assertThat(note(2)).isEqualTo("Not saved: post:2 is closed for likes");
        until(Duration.ofSeconds(10), () -> !pressed(2));
        assertThat(status()).isEqualTo("refused");
        assertThat(statusText()).contains("not saved", "post:2 is closed for likes");

        button(3).click();
        until(Duration.ofSeconds(10), () -> "later".equals(sync(3)));
        assertThat(note(3)).isEqualTo("Saved; it will show shortly.");
        assertThat(status()).isEqualTo("later");
        assertThat(pressed(3)).isTrue();

        button(4).click();
        until(Duration.ofSeconds(10), () -> "waiting".equals(sync(4)));
        assertThat(note(4)).contains("too many changes");
        assertThat(status()).isEqualTo("waiting");
        assertThat(pressed(4)).as("the click is kept for its retry").isTrue();
        assertThat(pending()).isEqualTo(1);
    }

    @Test
    void anotherTabSendingTheClickClearsThisTabsWaitingState() {
        signIn("1", "backoff=60000&refresh=600000");
        server.apiAvailable(false);
        button(7).click();
        until(Duration.ofSeconds(10), () -> "waiting".equals(sync(7)));
        assertThat(pending()).isEqualTo(1);
        String first = browser.getWindowHandle();
        server.apiAvailable(true);
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(server.url() + "?backoff=60000&refresh=600000");
        until(Duration.ofSeconds(15), () -> ready() && pending() == 0);
        assertThat(service.hasLiked(1, post(7))).isTrue();
        browser.switchTo().window(first);
        until(Duration.ofSeconds(10), () -> pending() == 0 && "saved".equals(sync(7)));
        assertThat(status()).isEqualTo("saved");
        assertThat(pressed(7)).isTrue();
    }

    @Test
    void aReloadWhileTheServerIsDownShowsTheFeedAndTheQueueGoesOnTheFirstAnswerAfter() throws Exception {
        signIn("1", "backoff=60000&refresh=1000");
        waitForServiceWorker();
        server.close();
        button(2).click();
        until(Duration.ofSeconds(10), () -> "waiting".equals(sync(2)));
        reload(); // the whole server is gone: the page comes from the service worker's cache
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("user 1");
        assertThat(pressed(2)).as("the waiting click after the reload").isTrue();
        assertThat(pending()).isEqualTo(1);
        assertThat(status()).isEqualTo("offline");
        assertThat(statusText()).contains("1 change waiting");
        assertThat(button(2).getAttribute("class")).contains("queued");
        screenshot("like-demo-offline.png");

        restartServer();
        // neither a click nor the retry timer (a minute away): the first answer of the live refresh sends it
        until(Duration.ofSeconds(15), () -> pending() == 0);
        assertThat(service.hasLiked(1, post(2))).isTrue();
        assertThat(service.count(post(2))).isEqualTo(1);
        until(Duration.ofSeconds(5), () -> "1".equals(count(2)) && "saved".equals(status()));
    }

    @Test
    void likesByOthersAppearWithoutAReloadAndDoNotUndoAClickOnItsWay() {
        signIn("1", "refresh=500");
        service.like(2, post(8));
        service.like(3, post(8));
        until(Duration.ofSeconds(10), () -> "2".equals(count(8)));
        server.responseDelay(Duration.ofMillis(3_000));
        button(8).click();
        service.like(4, post(8));
        // refreshes come and go while the click is on its way; the click's state stays
        for (int i = 0; i < 4; i++) {
            assertThat(pressed(8)).isTrue();
            sleep(500);
        }
        server.responseDelay(Duration.ZERO);
        until(Duration.ofSeconds(10), () -> "4".equals(count(8)) && pending() == 0);
        assertThat(pressed(8)).isTrue();
    }

    @Test
    void theFeedPassesAxeAndTheButtonAnnouncesItsStateOnceWithTheCount() {
        service.like(2, post(1));
        signIn("1", "");
        Results results = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"))
                .analyze(browser);
        assertThat(results.getViolations().stream().map(LikeButtonBrowserIT::describe).collect(Collectors.toList()))
                .isEmpty();

        WebElement button = button(1);
        assertThat(button.getAccessibleName()).isEqualTo("Like");
        String describedBy = button.getAttribute("aria-describedby");
        assertThat(describedBy).isEqualTo("count-post-1 note-post-1");
        assertThat(browser.findElement(By.id("count-post-1")).getAttribute("textContent")).isEqualTo("1 like");
        assertThat(browser.findElement(By.id("count-post-1")).getAttribute("aria-label")).isNull();
        int width = button.getRect().getWidth();
        int countX = browser.findElement(By.id("count-post-1")).getRect().getX();
        button.click();
        until(Duration.ofSeconds(10), () -> pending() == 0);
        assertThat(button.getAccessibleName()).as("the state is aria-pressed alone").isEqualTo("Like");
        assertThat(button.getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(browser.findElement(By.id("count-post-1")).getAttribute("textContent")).isEqualTo("2 likes");
        assertThat(button.getRect().getWidth()).as("no layout shift").isEqualTo(width);
        assertThat(browser.findElement(By.id("count-post-1")).getRect().getX()).isEqualTo(countX);
        Results after = new AxeBuilder().analyze(browser);
        assertThat(after.getViolations().stream().map(LikeButtonBrowserIT::describe).collect(Collectors.toList()))
                .isEmpty();
    }

    @Test
    void reducedMotionTurnsTheAnimationOff() {
        signIn("1", "");
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-reduced-motion", "value", "reduce"))));
        button(9).click();
        assertThat(js("return getComputedStyle(document.querySelector('#like-post-9 .heart')).animationName"))
                .isEqualTo("none");
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-reduced-motion", "value", "no-preference"))));
        button(10).click();
        assertThat(js("return getComputedStyle(document.querySelector('#like-post-10 .heart')).animationName"))
                .isEqualTo("pop");
    }

    @Test
    void countsAreCompactWithTheExactCountInTheTooltip() {
        fixedCounts.put(post(11), 3_456_789L);
        fixedCounts.put(post(12), 1_234L);
        signIn("1", "");
        assertThat(count(11)).isEqualTo("3.5M");
        assertThat(card(11).findElement(By.cssSelector(".count")).getAttribute("title")).isEqualTo("3,456,789 likes");
        assertThat(card(11).findElement(By.cssSelector(".count")).getAttribute("textContent"))
                .isEqualTo("3.5M likes (3,456,789)");
        assertThat(count(12)).isEqualTo("1.2K");
    }

    @Test
    void userIdsAbove2To53KeepTheirDigitsAndBadAnswersNeverShowUndefined() {
        signIn("9007199254740993", "");
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("user 9007199254740993");
        button(1).click();
        until(Duration.ofSeconds(10), () -> pending() == 0);
        assertThat(service.hasLiked(9_007_199_254_740_993L, post(1))).isTrue();
        assertThat(service.hasLiked(9_007_199_254_740_992L, post(1))).isFalse();

        // the module against an API that answers 200 with {}: the state stays a boolean and a number
        Object shown = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "import('/like-client.js').then(async ({ LikeClient }) => {"
                        + "  const fetch = async (url) => new Response(url.includes('/api/feed')"
                        + "    ? '{\"items\":[{\"content\":\"post:1\",\"count\":5,\"liked\":false}]}' : '{}',"
                        + "    { status: 200, headers: { 'Content-Type': 'application/json' } });"
                        + "  const c = new LikeClient({ userId: '1', fetch, storage: null, refreshMs: 0,"
                        + "    events: null });"
                        + "  await c.load(['post:1']);"
                        + "  c.toggle('post:1');"
                        + "  await new Promise((r) => setTimeout(r, 300));"
                        + "  const s = c.state('post:1');"
                        + "  c.close();"
                        + "  done(typeof s.liked + ' ' + typeof s.count + ' ' + s.count + ' ' + c.pending());"
                        + "}).catch((e) => done(String(e)));");
        assertThat(shown).isEqualTo("boolean number 5 0");
    }

    private static String describe(Rule rule) {
        return rule.getId() + ": " + rule.getHelp() + " " + rule.getNodes().stream()
                .map(n -> String.valueOf(n.getTarget())).collect(Collectors.joining(", "));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void screenshot(String name) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
