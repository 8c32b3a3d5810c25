package io.q3tts.app.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.q3tts.app.config.ConfigLoader;
import io.q3tts.app.config.Q3ttsConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian chromium through Selenium, with Chromium's fake microphone (a beep) granted without
 * a prompt, plus the page helpers the browser tests share. Tests call {@link #assumeInstalled()}
 * first: without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} they are skipped
 * ({@code scripts/install-system-deps.sh} installs them).
 */
final class Chromium implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(60);

    final WebDriver driver;

    private Chromium(WebDriver driver) {
        this.driver = driver;
    }

    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromedriver are not installed (run scripts/install-system-deps.sh)");
    }

    /**
     * @param profile a fresh folder for the browser profile
     * @return a started browser
     * @throws IOException if the profile folder cannot be made
     */
    static Chromium start(Path profile) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1000", "--autoplay-policy=no-user-gesture-required",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--user-data-dir=" + Files.createDirectories(profile));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new Chromium(new ChromeDriver(service, options));
    }

    /**
     * The demo-bundle server of the browser tests, with its own voices and outputs under {@code dir}.
     *
     * @param dir the server's data folder
     * @param extraEnv further configuration variables (e.g. {@code Q3TTS_UI_API_URL})
     * @param port the port, 0 for any
     * @return the running server
     */
    static Q3ttsServer demoServer(Path dir, Map<String, String> extraEnv, int port) {
        Map<String, String> env = new HashMap<>();
        env.put("MODELS_DIR", repo().resolve("models").toString());
        env.put("VOICES_DIR", dir.resolve("voices").toString());
        env.put("OUTPUTS_DIR", dir.resolve("outputs").toString());
        env.put("PLUGINS_DIR", dir.resolve("plugins").toString());
        env.put("Q3TTS_ENGINE_DEVICE", "cpu");
        // Random weights never stop on their own; the guard would end them at unpredictable lengths.
        env.put("Q3TTS_GENERATION_RUNAWAY_GUARD", "false");
        env.putAll(extraEnv);
        Q3ttsConfig config = new ConfigLoader(dir, env).load().config();
        return Q3ttsServer.start(ServerSettings.from(config).withPort(port), DrivenPorts.onDisk(config.paths()));
    }

    /**
     * What most browser test classes run against: one demo server and one browser, started before
     * the class and closed after it.
     *
     * @param server the demo-bundle server
     * @param browser the browser
     * @param base the server's root URL, without a trailing slash
     */
    record Demo(Q3ttsServer server, Chromium browser, String base) implements AutoCloseable {

        /**
         * Skips the test class when chromium is missing, else starts the server (data under
         * {@code dir/server}) and the browser (profile under {@code dir/chromium}).
         *
         * @param dir the test class's temporary folder
         * @param extraEnv further configuration variables for the server
         * @return the running pair
         * @throws IOException if the profile folder cannot be made
         */
        static Demo start(Path dir, Map<String, String> extraEnv) throws IOException {
            assumeInstalled();
            Q3ttsServer server = demoServer(dir.resolve("server"), extraEnv, 0);
            try {
                return new Demo(server, Chromium.start(dir.resolve("chromium")), "http://127.0.0.1:" + server.port());
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                browser.close();
            } finally {
                server.close();
            }
        }
    }

    void open(String url) {
        driver.get(url);
        waitFor(() -> "complete".equals(js("return document.readyState")));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    Object asyncJs(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    void waitFor(BooleanSupplier condition) {
        new WebDriverWait(driver, WAIT).until(d -> condition.getAsBoolean());
    }

    /** Waits for work that takes a while on a busy machine (a whole pipeline run): four times {@link #WAIT}. */
    void waitLong(BooleanSupplier condition) {
        new WebDriverWait(driver, WAIT.multipliedBy(4)).until(d -> condition.getAsBoolean());
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    String text(String css) {
        return find(css).getText();
    }

    void setSampling(Map<String, String> values) {
        js("document.querySelector('details.advanced').open = true");
        values.forEach((name, value) -> {
            WebElement input = driver.findElement(By.name(name));
            input.clear();
            if (!value.isEmpty()) {
                input.sendKeys(value);
            }
        });
    }

    /** Waits for the result panel's state; a failure while waiting for another state fails the test with its message. */
    void waitForResult(String state) {
        waitFor(() -> {
            Object s = js("const r = document.querySelector('.result'); return r ? r.dataset.state : null");
            if ("failed".equals(s) && !"failed".equals(state)) {
                throw new AssertionError("generation failed: " + text(".result .status"));
            }
            return state.equals(s);
        });
    }

    /** @return the duration of an audio element once its metadata has loaded */
    double audioDuration(String css) {
        waitFor(() -> ((Number) js("const a = document.querySelector(arguments[0]); return a && (a.readyState >= 1 || a.error) ? 1 : 0",
                css)).intValue() == 1);
        Object error = js("const e = document.querySelector(arguments[0]).error; return e ? e.code + ' ' + e.message : null", css);
        if (error != null) {
            throw new AssertionError("the player cannot load its audio: " + error);
        }
        return ((Number) js("return document.querySelector(arguments[0]).duration", css)).doubleValue();
    }

    /**
     * Sets the page's viewport in CSS pixels through the DevTools protocol (headless windows cannot be
     * made narrower than about 500 px): phone widths (under 600) also emulate a mobile device.
     */
    void viewport(int width, int height) {
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
    }

    /** Goes back to the window's own viewport after {@link #viewport}. */
    void defaultViewport() {
        ((ChromeDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    /** Writes a whole-page screenshot at the viewport width set by {@link #viewport} to {@code app/target/screenshots/<name>.png}. */
    void viewportScreenshot(String name, int width, int height) {
        try {
            Path out = Files.createDirectories(repo().resolve("app/target/screenshots"));
            int full = ((Number) js("return document.documentElement.scrollHeight")).intValue();
            viewport(width, Math.min(5000, Math.max(height, full)));
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            viewport(width, height);
            Files.copy(shot.toPath(), out.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new AssertionError("cannot write the screenshot " + name, e);
        }
    }

    /** Writes a whole-page screenshot to {@code app/target/screenshots/<name>.png}. */
    void screenshot(String name) {
        try {
            Path out = Files.createDirectories(repo().resolve("app/target/screenshots"));
            Number height = (Number) js("return document.documentElement.scrollHeight");
            Dimension size = driver.manage().window().getSize();
            driver.manage().window().setSize(new Dimension(size.getWidth(),
                    Math.min(4000, Math.max(size.getHeight(), height.intValue() + 140))));
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            driver.manage().window().setSize(size);
            Files.copy(shot.toPath(), out.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new AssertionError("cannot write the screenshot " + name, e);
        }
    }

    static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("app")) ? here : here.getParent();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
