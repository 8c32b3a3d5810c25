package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser (headless Debian chromium through Selenium) against the real server on
 * the demo bundles: every page renders, a generation streams and leaves a playable file, the output
 * shows up in the outputs page, a voice is created and used, a running job is cancelled, and API
 * errors land next to their field. Screenshots of every page go to {@code target/screenshots/}.
 *
 * <p>Skipped when {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is missing
 * ({@code scripts/install-system-deps.sh} installs them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebUiBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static Q3ttsServer server;
    private static WebDriver browser;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromedriver are not installed (run scripts/install-system-deps.sh)");
        Map<String, String> env = new HashMap<>();
        env.put("MODELS_DIR", repo().resolve("models").toString());
        env.put("VOICES_DIR", dir.resolve("voices").toString());
        env.put("OUTPUTS_DIR", dir.resolve("outputs").toString());
        env.put("PLUGINS_DIR", dir.resolve("plugins").toString());
        env.put("Q3TTS_ENGINE_DEVICE", "cpu");
        // Random weights never stop on their own: without the guard a job runs to max_new_tokens,
        // which makes lengths predictable and a long job easy to cancel.
        env.put("Q3TTS_GENERATION_RUNAWAY_GUARD", "false");
        Q3ttsConfig config = new ConfigLoader(dir, env).load().config();
        server = Q3ttsServer.start(ServerSettings.from(config).withPort(0), DrivenPorts.onDisk(config.paths()));
        base = "http://127.0.0.1:" + server.port();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1000", "--autoplay-policy=no-user-gesture-required",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void homeListsEveryTaskAndCorePageInTheNavigation() {
        open("/");
        List<String> nav = browser.findElements(By.cssSelector(".nav a span")).stream().map(WebElement::getText).toList();
        // Task pages come first by plugin order, pipeline pages after them, the core pages last.
        assertEquals(List.of("Home", "Custom voice", "Voice design", "Voice clone", "Design a voice", "Speech tokenizer"),
                nav.subList(0, 6), "task pages by order: " + nav);
        assertEquals(List.of("Outputs", "Voices", "Models"), nav.subList(nav.size() - 3, nav.size()), "core pages last: " + nav);
        assertTrue(nav.subList(6, nav.size() - 3).contains("Subtitles"), "pipeline pages: " + nav);
        waitFor(() -> !text("#home-status").contains("loading"));
        assertTrue(text("#home-status").contains("Random weights only"), text("#home-status"));
        assertTrue(browser.findElement(By.id("q3-banner")).isDisplayed(), "demo bundles have random weights: the banner shows");
        screenshot("home");
        String css = (String) js("return getComputedStyle(document.querySelector('.sidebar')).display");
        assertEquals("flex", css, "the stylesheet is served locally and applied");
    }

    @Test
    @Order(2)
    void customVoiceStreamsAndLeavesAPlayableFile() {
        open("/tasks/custom-voice");
        assertTrue(browser.findElement(By.cssSelector("[data-model-warning]")).isDisplayed(), "random-weight banner");
        new Select(browser.findElement(By.name("voice"))).selectByIndex(1);
        assertFalse(text("#cv-speaker-info").isBlank(), "the speaker's description is shown");
        browser.findElement(By.name("input")).sendKeys("Hello from the browser test.");
        setSampling(Map.of("max_new_tokens", "20", "seed", "1234"));
        screenshot("custom-voice-form");
        browser.findElement(By.id("generate")).click();
        waitForResult("done");
        assertTrue(text(".result .status").startsWith("Done"), text(".result .status"));
        assertEquals("1234", text(".result .seed"), "the seed is shown");
        assertEquals(4, browser.findElements(By.cssSelector(".downloads a.dl")).size(), "wav, flac, mp3, opus links");
        double duration = audioDuration(".result audio");
        assertTrue(duration > 0, "the player has the final file: " + duration);
        Number streamed = (Number) js("return document.querySelector('canvas.wave') && document.querySelector('.result').dataset.state === 'done' ? 1 : 0");
        assertEquals(1, streamed.intValue());
        assertStreamWasGaplessAndEqualsTheFile();
        screenshot("custom-voice-done");

        open("/outputs");
        waitFor(() -> !browser.findElements(By.cssSelector("#output-list .item")).isEmpty());
        WebElement item = browser.findElement(By.cssSelector("#output-list .item"));
        assertTrue(item.getText().contains("Hello from the browser test."), item.getText());
        assertTrue(item.getText().contains("seed 1234"), item.getText());
        screenshot("outputs");
        String rerun = item.findElement(By.linkText("Re-run")).getAttribute("href");
        assertTrue(rerun.contains("/tasks/custom-voice?rerun="), rerun);
        browser.get(rerun);
        waitFor(() -> "1234".equals(browser.findElement(By.name("seed")).getDomProperty("value")));
        assertEquals("Hello from the browser test.", browser.findElement(By.name("input")).getDomProperty("value"));
    }

    @Test
    @Order(3)
    void errorsAppearNextToTheirField() {
        open("/tasks/custom-voice");
        browser.findElement(By.id("generate")).click();
        assertEquals("input is required.", text("[data-error-for=input]"), "client-side check mirrors the API");
        browser.findElement(By.name("input")).sendKeys("Hi.");
        setSampling(Map.of("top_p", "1.5"));
        browser.findElement(By.id("generate")).click();
        assertTrue(text("[data-error-for=top_p]").contains("(0, 1]"), text("[data-error-for=top_p]"));
        // A value the page cannot produce reaches the API, whose error names the field.
        setSampling(Map.of("top_p", ""));
        js("const s = document.querySelector('[name=voice]'); s.append(new Option('nobody', 'nobody')); s.value = 'nobody';");
        browser.findElement(By.id("generate")).click();
        waitFor(() -> !text("[data-error-for=voice]").isBlank());
        screenshot("custom-voice-error");
    }

    @Test
    @Order(4)
    void aRunningJobIsCancelled() {
        open("/tasks/custom-voice");
        browser.findElement(By.name("input")).sendKeys("A very long reading that will be cancelled.");
        setSampling(Map.of("max_new_tokens", "8192"));
        browser.findElement(By.id("generate")).click();
        waitFor(() -> text(".result .status").startsWith("Generating"));
        browser.findElement(By.cssSelector(".result button.danger")).click();
        waitForResult("failed");
        assertEquals("Cancelled.", text(".result .status"));
    }

    @Test
    @Order(5)
    void aVoiceIsCreatedFromAnUploadAndUsedForCloning() throws IOException {
        open("/voices");
        browser.findElement(By.name("name")).sendKeys("Browser voice");
        browser.findElement(By.cssSelector("input[type=file][name=audio_sample]")).sendKeys(clip().toString());
        browser.findElement(By.name("ref_text")).sendKeys("This is the reference clip.");
        browser.findElement(By.id("voice-create-button")).click();
        waitFor(() -> browser.findElements(By.cssSelector("#voice-list .item")).stream()
                .anyMatch(e -> e.getText().contains("Browser voice")));
        screenshot("voices");
        String id = browser.findElement(By.cssSelector("#voice-list .item")).getAttribute("data-voice-id");
        browser.findElement(By.cssSelector("#voice-list .item")).findElement(By.linkText("Use")).click();
        waitFor(() -> browser.getCurrentUrl().contains("/tasks/voice-clone"));
        assertEquals(id, new Select(browser.findElement(By.name("voice"))).getFirstSelectedOption().getAttribute("value"));
        browser.findElement(By.name("input")).sendKeys("Cloned in the browser.");
        setSampling(Map.of("max_new_tokens", "12"));
        browser.findElement(By.id("generate")).click();
        waitForResult("done");
        assertTrue(audioDuration(".result audio") > 0);
        screenshot("voice-clone-done");
    }

    @Test
    @Order(6)
    void voiceDesignGeneratesAndSavesTheVoice() {
        open("/tasks/voice-design");
        browser.findElement(By.cssSelector("[data-example-instructions]")).click();
        // A saved voice needs at least a second of reference audio: 20 frames are 1.6 s, and a fixed
        // seed keeps random weights from stopping early.
        setSampling(Map.of("max_new_tokens", "20", "seed", "1234"));
        browser.findElement(By.id("generate")).click();
        waitForResult("done");
        assertTrue(audioDuration(".result audio") > 0);
        browser.findElement(By.id("vd-save-name")).sendKeys("Designed in browser");
        String saveFormText = text("#vd-save-form");
        browser.findElement(By.cssSelector("#vd-save-form button[type=submit]")).click();
        waitFor(() -> !text("#vd-save-status").isBlank() || !text("#vd-save-form").equals(saveFormText));
        assertTrue(text("#vd-save-status").startsWith("Saved as Designed in browser"), text("#vd-save-form"));
        screenshot("voice-design-done");
    }

    @Test
    @Order(7)
    void designThenCloneSavesAVoiceThroughTheJobsApi() {
        open("/tasks/design-then-clone");
        browser.findElement(By.name("name")).sendKeys("Lighthouse");
        browser.findElement(By.name("instructions")).sendKeys("A calm narrator.");
        browser.findElement(By.name("input")).clear();
        browser.findElement(By.name("input")).sendKeys("Short sample.");
        setSampling(Map.of("max_new_tokens", "20"));
        browser.findElement(By.id("generate")).click();
        waitForResult("done");
        assertTrue(text(".result .meta").contains("saved as voice"), text(".result .meta"));
        screenshot("design-then-clone-done");
    }

    @Test
    @Order(8)
    void tokenizerEncodesAndDecodes() throws IOException {
        open("/tasks/tokenizer");
        browser.findElement(By.id("tok-audio")).sendKeys(clip().toString());
        browser.findElement(By.id("encode")).click();
        waitFor(() -> text("#tok-encode-status").contains("frames"));
        browser.findElement(By.id("decode")).click();
        waitFor(() -> text("#tok-decode-status").contains("s of audio"));
        assertTrue(audioDuration("#tok-player") > 0);
        screenshot("tokenizer");
    }

    @Test
    @Order(9)
    void modelsPageLoadsAndUnloads() {
        open("/models");
        waitFor(() -> !browser.findElements(By.cssSelector("#model-list .item")).isEmpty());
        WebElement custom = browser.findElement(By.cssSelector("[data-model-id=demo-custom-voice]"));
        assertTrue(custom.getText().contains("random weights"), custom.getText());
        screenshot("models");
        String before = custom.getAttribute("data-residency");
        custom.findElement(By.cssSelector(".item-actions button")).click();
        waitFor(() -> !before.equals(browser.findElement(By.cssSelector("[data-model-id=demo-custom-voice]"))
                .getAttribute("data-residency")));
    }

    /**
     * Live playback: every chunk was scheduled exactly where the previous one ended (unless
     * generation fell behind playback, which restarts with a lead), and the streamed samples are
     * the stored file's samples, so the joins cannot click where the file does not.
     */
    @SuppressWarnings("unchecked")
    private static void assertStreamWasGaplessAndEqualsTheFile() {
        List<Object> r = (List<Object>) ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const form = document.querySelector('form');
                const p = form.streamPlayer, rate = 24000;
                let joins = 0, badJoins = 0;
                for (let i = 1; i < p.schedule.length; i++) {
                  const [t0, n0] = p.schedule[i - 1], [t1] = p.schedule[i];
                  const gap = t1 - (t0 + n0 / rate);
                  if (Math.abs(gap) < 1e-6) joins++; else if (gap < 0 || p.underruns === 0) badJoins++;
                }
                fetch(document.querySelector('.result audio').src).then(x => x.arrayBuffer()).then(b => {
                  const v = new DataView(b);
                  let off = 12, data = -1, len = 0;
                  while (off + 8 <= b.byteLength) {
                    const id = v.getUint32(off, false), size = v.getUint32(off + 4, true);
                    if (id === 0x64617461) { data = off + 8; len = size; break; }
                    off += 8 + size + (size & 1);
                  }
                  const chunks = form.streamChunks || [];
                  let k = 0, maxDiff = 0;
                  for (const c of chunks) for (let j = 0; j < c.length; j++, k++) {
                    const f = v.getInt16(data + 2 * k, true) / 32768;
                    maxDiff = Math.max(maxDiff, Math.abs(f - c[j]));
                  }
                  done([p.schedule.length, joins, badJoins, k, len / 2, maxDiff, p.underruns]);
                });""");
        long chunks = ((Number) r.get(0)).longValue();
        assertTrue(chunks >= 2, "streamed in several chunks: " + r);
        assertEquals(0L, ((Number) r.get(2)).longValue(), "no chunk overlaps or leaves a gap while data kept up: " + r);
        assertEquals(((Number) r.get(4)).longValue(), ((Number) r.get(3)).longValue(), "the stream holds every sample of the file: " + r);
        assertTrue(((Number) r.get(5)).doubleValue() <= 2.0 / 32768, "streamed samples equal the file's: " + r);
    }

    private static void open(String path) {
        browser.get(base + path);
        waitFor(() -> "complete".equals(js("return document.readyState")));
    }

    private static void setSampling(Map<String, String> values) {
        js("document.querySelector('details.advanced').open = true");
        values.forEach((name, value) -> {
            WebElement input = browser.findElement(By.name(name));
            input.clear();
            if (!value.isEmpty()) {
                input.sendKeys(value);
            }
        });
    }

    private static void waitForResult(String state) {
        waitFor(() -> {
            Object s = js("const r = document.querySelector('.result'); return r ? r.dataset.state : null");
            if ("failed".equals(s) && !"failed".equals(state)) {
                throw new AssertionError("generation failed: " + text(".result .status"));
            }
            return state.equals(s);
        });
    }

    private static double audioDuration(String selector) {
        new WebDriverWait(browser, WAIT).until(d -> ((Number) js(
                "const a = document.querySelector(arguments[0]); return a.readyState >= 1 ? 1 : 0", selector)).intValue() == 1);
        return ((Number) js("return document.querySelector(arguments[0]).duration", selector)).doubleValue();
    }

    private static String text(String selector) {
        return browser.findElement(By.cssSelector(selector)).getText();
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, WAIT).until(d -> condition.getAsBoolean());
    }

    private static Path clip() {
        return repo().resolve("fixtures/clips/ref_24k_mono_f32.wav");
    }

    private static void screenshot(String name) {
        try {
            Path dirOut = Files.createDirectories(repo().resolve("app/target/screenshots"));
            // The whole page, not just the viewport: grow the window to the document's height for the shot.
            Number height = (Number) js("return document.documentElement.scrollHeight");
            org.openqa.selenium.Dimension size = browser.manage().window().getSize();
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(size.getWidth(),
                    Math.min(4000, Math.max(size.getHeight(), height.intValue() + 140))));
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            browser.manage().window().setSize(size);
            Files.copy(shot.toPath(), dirOut.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new AssertionError("cannot write the screenshot " + name, e);
        }
    }

    private static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("app")) ? here : here.getParent();
    }
}
