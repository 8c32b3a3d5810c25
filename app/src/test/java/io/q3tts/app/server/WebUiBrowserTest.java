package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

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

    @TempDir
    static Path dir;

    private static Chromium.Demo demo;
    private static Chromium chromium;
    private static WebDriver browser;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        // The demo server runs without the runaway guard: random weights then run to max_new_tokens, which
        // makes lengths predictable and a long job easy to cancel.
        demo = Chromium.Demo.start(dir, Map.of());
        chromium = demo.browser();
        browser = chromium.driver;
        base = demo.base();
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
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
        assertEquals(List.of("Outputs", "Voices", "Models", "Use from other apps"), nav.subList(nav.size() - 4, nav.size()),
                "core pages last: " + nav);
        assertTrue(nav.subList(6, nav.size() - 4).contains("Subtitles"), "pipeline pages: " + nav);
        chromium.waitFor(() -> !chromium.text("#home-status").contains("loading"));
        assertTrue(chromium.text("#home-status").contains("Random weights only"), chromium.text("#home-status"));
        assertTrue(browser.findElement(By.id("q3-banner")).isDisplayed(), "demo bundles have random weights: the banner shows");
        chromium.screenshot("home");
        String css = (String) chromium.js("return getComputedStyle(document.querySelector('.sidebar')).display");
        assertEquals("flex", css, "the stylesheet is served locally and applied");
    }

    @Test
    @Order(2)
    void customVoiceStreamsAndLeavesAPlayableFile() {
        open("/tasks/custom-voice");
        chromium.waitFor(() -> browser.findElement(By.id("q3-banner")).isDisplayed());
        assertTrue(browser.findElement(By.id("q3-banner")).getText().contains("random weights"), "random-weight banner");
        waitForVoices();
        new Select(browser.findElement(By.name("voice"))).selectByIndex(1);
        assertFalse(chromium.text("#cv-voice-info").isBlank(), "the speaker's description is shown");
        browser.findElement(By.name("input")).sendKeys("Hello from the browser test.");
        chromium.setSampling(Map.of("max_new_tokens", "20", "seed", "1234"));
        chromium.screenshot("custom-voice-form");
        browser.findElement(By.id("generate")).click();
        chromium.waitForResult("done");
        assertTrue(chromium.text(".result .status").startsWith("Done"), chromium.text(".result .status"));
        assertEquals("1234", chromium.text(".result .seed"), "the seed is shown");
        assertEquals(4, browser.findElements(By.cssSelector(".downloads a.dl")).size(), "wav, flac, mp3, opus links");
        double duration = chromium.audioDuration(".result audio");
        assertTrue(duration > 0, "the player has the final file: " + duration);
        Number streamed = (Number) chromium.js("return document.querySelector('canvas.wave') && document.querySelector('.result').dataset.state === 'done' ? 1 : 0");
        assertEquals(1, streamed.intValue());
        assertStreamWasGaplessAndEqualsTheFile();
        chromium.screenshot("custom-voice-done");

        open("/outputs");
        chromium.waitFor(() -> !browser.findElements(By.cssSelector("#output-list .item")).isEmpty());
        WebElement item = browser.findElement(By.cssSelector("#output-list .item"));
        assertTrue(item.getText().contains("Hello from the browser test."), item.getText());
        assertTrue(item.getText().contains("seed 1234"), item.getText());
        chromium.screenshot("outputs");
        String rerun = item.findElement(By.linkText("Re-run")).getAttribute("href");
        assertTrue(rerun.contains("/tasks/custom-voice?rerun="), rerun);
        browser.get(rerun);
        chromium.waitFor(() -> "1234".equals(browser.findElement(By.name("seed")).getDomProperty("value")));
        assertEquals("Hello from the browser test.", browser.findElement(By.name("input")).getDomProperty("value"));
    }

    @Test
    @Order(3)
    void errorsAppearNextToTheirField() {
        open("/tasks/custom-voice");
        waitForVoices();
        browser.findElement(By.id("generate")).click();
        assertEquals("Enter the text to speak.", chromium.text("[data-error-for=input]"), "client-side check mirrors the API, in words");
        assertEquals("input", chromium.js("return document.activeElement.name"), "the focus moves to the error");
        browser.findElement(By.name("input")).sendKeys("Hi.");
        chromium.setSampling(Map.of("top_p", "1.5"));
        browser.findElement(By.id("generate")).click();
        assertTrue(chromium.text("[data-error-for=top_p]").contains("(0, 1]"), chromium.text("[data-error-for=top_p]"));
        // A value the page cannot produce reaches the API, whose error names the field.
        chromium.setSampling(Map.of("top_p", ""));
        chromium.js("const s = document.querySelector('[name=voice]'); s.append(new Option('nobody', 'nobody')); s.value = 'nobody';");
        browser.findElement(By.id("generate")).click();
        chromium.waitFor(() -> !chromium.text("[data-error-for=voice]").isBlank());
        chromium.screenshot("custom-voice-error");
    }

    @Test
    @Order(4)
    void aRunningJobIsCancelled() {
        open("/tasks/custom-voice");
        // Pressed before the voice picker has loaded, the form has no voice yet and the run never starts.
        waitForVoices();
        browser.findElement(By.name("input")).sendKeys("A very long reading that will be cancelled.");
        chromium.setSampling(Map.of("max_new_tokens", "8192"));
        browser.findElement(By.id("generate")).click();
        try {
            chromium.waitFor(() -> {
                Object state = chromium.js("return document.querySelector('.result').dataset.state");
                if ("failed".equals(state) || "done".equals(state)) {
                    throw new AssertionError("the run ended (" + state + ") before it could be cancelled: "
                            + chromium.text(".result .status"));
                }
                return chromium.text(".result .status").startsWith("Generating");
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            chromium.screenshot("cancel-never-generating");
            throw new AssertionError("the run never showed 'Generating': card state "
                    + chromium.js("return document.querySelector('.result').dataset.state") + ", status '"
                    + chromium.text(".result .status") + "', job " + chromium.js("return document.querySelector('.result').dataset.jobId"), e);
        }
        browser.findElement(By.cssSelector(".result button.danger")).click();
        chromium.waitForResult("failed");
        assertEquals("Cancelled.", chromium.text(".result .status"));
    }

    @Test
    @Order(5)
    void aVoiceIsCreatedFromAnUploadAndUsedForCloning() throws IOException {
        open("/voices");
        browser.findElement(By.name("name")).sendKeys("Browser voice");
        browser.findElement(By.cssSelector("input[type=file][name=audio_sample]")).sendKeys(clip().toString());
        browser.findElement(By.name("ref_text")).sendKeys("This is the reference clip.");
        browser.findElement(By.id("voice-create-button")).click();
        chromium.waitFor(() -> browser.findElements(By.cssSelector("#voice-list .item")).stream()
                .anyMatch(e -> e.getText().contains("Browser voice")));
        chromium.screenshot("voices");
        String id = browser.findElement(By.cssSelector("#voice-list .item")).getAttribute("data-voice-id");
        browser.findElement(By.cssSelector("#voice-list .item .use-menu summary")).click();
        browser.findElement(By.cssSelector("#voice-list .item")).findElement(By.linkText("Voice clone")).click();
        chromium.waitFor(() -> browser.getCurrentUrl().contains("/tasks/voice-clone"));
        waitForVoices();
        assertEquals(id, new Select(browser.findElement(By.name("voice"))).getFirstSelectedOption().getAttribute("value"));
        browser.findElement(By.name("input")).sendKeys("Cloned in the browser.");
        chromium.setSampling(Map.of("max_new_tokens", "12"));
        browser.findElement(By.id("generate")).click();
        chromium.waitForResult("done");
        assertTrue(chromium.audioDuration(".result audio") > 0);
        chromium.screenshot("voice-clone-done");
    }

    @Test
    @Order(6)
    void voiceDesignGeneratesAndSavesTheVoice() {
        open("/tasks/voice-design");
        browser.findElement(By.cssSelector("[data-example-instructions]")).click();
        // A saved voice needs at least a second of reference audio: 20 frames are 1.6 s, and a fixed
        // seed keeps random weights from stopping early.
        chromium.setSampling(Map.of("max_new_tokens", "20", "seed", "1234"));
        browser.findElement(By.id("generate")).click();
        chromium.waitForResult("done");
        assertTrue(chromium.audioDuration(".result audio") > 0);
        browser.findElement(By.id("vd-save-name")).sendKeys("Designed in browser");
        String saveFormText = chromium.text("#vd-save-form");
        browser.findElement(By.cssSelector("#vd-save-form button[type=submit]")).click();
        chromium.waitFor(() -> !chromium.text("#vd-save-status").isBlank() || !chromium.text("#vd-save-form").equals(saveFormText));
        assertTrue(chromium.text("#vd-save-status").startsWith("Saved as Designed in browser"), chromium.text("#vd-save-form"));
        chromium.screenshot("voice-design-done");
    }

    @Test
    @Order(7)
    void designThenCloneSavesAVoiceThroughTheJobsApi() {
        open("/tasks/design-then-clone");
        browser.findElement(By.name("name")).sendKeys("Lighthouse");
        browser.findElement(By.name("instructions")).sendKeys("A calm narrator.");
        browser.findElement(By.name("input")).clear();
        browser.findElement(By.name("input")).sendKeys("Short sample.");
        chromium.setSampling(Map.of("max_new_tokens", "20"));
        browser.findElement(By.id("generate")).click();
        chromium.waitForResult("done");
        assertTrue(chromium.text(".result .meta").contains("saved as voice"), chromium.text(".result .meta"));
        chromium.screenshot("design-then-clone-done");
    }

    @Test
    @Order(8)
    void tokenizerEncodesAndDecodes() throws IOException {
        open("/tasks/tokenizer");
        browser.findElement(By.id("tok-audio")).sendKeys(clip().toString());
        browser.findElement(By.id("encode")).click();
        chromium.waitFor(() -> chromium.text("#tok-encode-status").contains("frames"));
        browser.findElement(By.id("decode")).click();
        chromium.waitFor(() -> chromium.text("#tok-decode-status").contains("s of audio"));
        assertTrue(chromium.audioDuration("#tok-player") > 0);
        chromium.screenshot("tokenizer");
    }

    @Test
    @Order(9)
    void modelsPageLoadsAndUnloads() {
        open("/models");
        chromium.waitFor(() -> !browser.findElements(By.cssSelector("#model-list .item")).isEmpty());
        WebElement custom = browser.findElement(By.cssSelector("[data-model-id=demo-custom-voice]"));
        assertTrue(custom.getText().contains("random weights"), custom.getText());
        chromium.screenshot("models");
        String before = custom.getAttribute("data-residency");
        custom.findElement(By.cssSelector(".item-actions button")).click();
        chromium.waitFor(() -> !before.equals(browser.findElement(By.cssSelector("[data-model-id=demo-custom-voice]"))
                .getAttribute("data-residency")));
    }

    /**
     * Live playback: every chunk was scheduled exactly where the previous one ended (unless
     * generation fell behind playback, which restarts with a lead), and the streamed samples are
     * the stored file's samples, so the joins cannot click where the file does not.
     */
    @SuppressWarnings("unchecked")
    private static void assertStreamWasGaplessAndEqualsTheFile() {
        List<Object> r = (List<Object>) chromium.asyncJs("""
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

    /** Waits until the page's voice pickers have their lists. */
    private static void waitForVoices() {
        chromium.waitFor(() -> Boolean.TRUE.equals(chromium.js(
                "return [...document.querySelectorAll('.voice-picker')].every(c => c.voicePicker && c.voicePicker.loaded)")));
    }

    private static void open(String path) {
        chromium.open(base + path);
    }

    private static Path clip() {
        return Chromium.repo().resolve("fixtures/clips/ref_24k_mono_f32.wav");
    }
}
