package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The web UI as a new user meets it, in headless Chromium at a laptop size (1366x900) and a phone
 * size (390x844), against the real server on the demo bundles: every page fits the phone without
 * sideways scrolling, names every control and warns about random weights once; the shared voice
 * picker is on every page that needs a voice and catches a missing voice before a job starts; every
 * task form runs from the keyboard alone (Tab, typing, Ctrl+Enter); the "copy as curl" command of a
 * form, run by this test, does what the form does; live audio pauses; pipeline results are a table
 * with a zip; jobs on Home are one per pipeline and can be opened, cancelled, resumed, edited and
 * dismissed. Screenshots: {@code app/target/screenshots/ui-*.png}.
 *
 * <p>Skipped when {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class UsableUiBrowserTest {

    private static final int[] DESKTOP = {1366, 900};
    private static final int[] PHONE = {390, 844};

    @TempDir
    static Path dir;

    private static Chromium.Demo demo;
    private static Chromium browser;
    private static String base;
    private static E2e api;
    private static String voiceId;

    @BeforeAll
    static void start() throws IOException {
        // With the guard on, random weights stop at a length tied to the text, as a real run would.
        // One pipeline at a time: a run submitted while another runs waits in the pipeline lane, which
        // lets a test change the world (delete a voice) before that run starts.
        demo = Chromium.Demo.start(dir, Map.of("Q3TTS_GENERATION_RUNAWAY_GUARD", "true", "Q3TTS_PIPELINES_MAX_RUNNING", "1"));
        browser = demo.browser();
        base = demo.base();
        api = new E2e(demo.server().port());
        voiceId = api.saveFixtureVoice("Lighthouse keeper");
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    private static void size(int[] s) {
        browser.viewport(s[0], s[1]);
    }

    private static String label(int[] s) {
        return s[0] < 600 ? "phone" : "desktop";
    }

    /** Opens a page and waits until its scripts have filled it (health, voice lists, model lists). */
    private static void open(String path) {
        browser.open(base + path);
        browser.waitFor(() -> Boolean.TRUE.equals(browser.js("""
                return !!document.getElementById('q3-health') && document.getElementById('q3-health').textContent !== ''
                  && [...document.querySelectorAll('.voice-picker')].every(c => c.voicePicker && c.voicePicker.loaded)
                  && [...document.querySelectorAll('select[name=model]')].every(s => s.options.length > 0)""")));
    }

    @SuppressWarnings("unchecked")
    private static List<String> navLinks() {
        return (List<String>) browser.js("return [...document.querySelectorAll('.nav a')].map(a => a.getAttribute('href'))");
    }

    @SuppressWarnings("unchecked")
    private static List<String> unnamedControls() {
        return (List<String>) browser.js("""
                const bad = [];
                for (const e of document.querySelectorAll('input, select, textarea, button, a[href], audio[controls], summary')) {
                  if (e.type === 'hidden') continue;
                  const r = e.getBoundingClientRect();
                  if (!(r.width > 0 && r.height > 0) || getComputedStyle(e).visibility === 'hidden') continue;
                  const labels = e.labels ? [...e.labels].map(l => l.textContent).join(' ') : '';
                  const byId = (e.getAttribute('aria-labelledby') || '').split(' ').map(id => document.getElementById(id))
                    .filter(Boolean).map(x => x.textContent).join(' ');
                  const own = ['BUTTON', 'A', 'SUMMARY'].includes(e.tagName) ? e.textContent : '';
                  const name = [labels, e.getAttribute('aria-label') || '', byId, own, e.getAttribute('title') || ''].join(' ');
                  if (!name.trim()) bad.push(e.outerHTML.slice(0, 160));
                }
                return bad;""");
    }

    private static long visibleRandomWeightWarnings() {
        return ((Number) browser.js("""
                return [...document.querySelectorAll('.banner')].filter(b => b.offsetParent !== null
                  && /random weights/i.test(b.textContent)).length""")).longValue();
    }

    @Test
    @Order(1)
    void everyPageFitsThePhoneNamesEveryControlAndWarnsAboutRandomWeightsOnce() {
        browser.open(base + "/");
        List<String> pages = navLinks();
        assertTrue(pages.contains("/connect"), "the Use from other apps page is in the navigation: " + pages);
        for (int[] s : List.of(DESKTOP, PHONE)) {
            size(s);
            for (String page : pages) {
                open(page);
                String where = page + " at " + s[0] + " px";
                long width = ((Number) browser.js("return document.documentElement.scrollWidth")).longValue();
                assertTrue(width <= s[0], where + ": the document is " + width + " px wide; too wide: " + browser.js("""
                        return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > arguments[0])
                          .slice(-3).map(e => e.outerHTML.slice(0, 120))""", s[0]));
                assertEquals(List.of(), unnamedControls(), where + ": every control has a name");
                assertEquals(1, visibleRandomWeightWarnings(), where + ": the demo bundles' random weights are said once");
                boolean navShown = browser.find(".nav").isDisplayed();
                if (s == PHONE) {
                    assertFalse(navShown, where + ": the navigation is folded");
                    browser.find("#q3-nav-toggle").click();
                    assertTrue(browser.find(".nav").isDisplayed(), where + ": the menu button opens it");
                    assertEquals("true", browser.find("#q3-nav-toggle").getAttribute("aria-expanded"));
                    browser.find("#q3-nav-toggle").click();
                } else {
                    assertTrue(navShown, where + ": the navigation is shown");
                }
                String slug = page.equals("/") ? "home" : page.replaceAll("^/(tasks/)?", "").replace('/', '-');
                browser.viewportScreenshot("ui-" + slug + "-" + label(s), s[0], s[1]);
            }
        }
    }

    @Test
    @Order(2)
    void theVoicePickerIsOnEveryPageThatNeedsAVoiceAndCatchesAMissingVoiceBeforeAJobStarts() {
        for (int[] s : List.of(DESKTOP, PHONE)) {
            size(s);
            for (String page : List.of("/tasks/custom-voice", "/tasks/voice-clone", "/tasks/narration", "/tasks/subtitles",
                    "/tasks/script-read", "/tasks/npc-pack")) {
                open(page);
                assertFalse(browser.driver.findElements(By.cssSelector(".voice-picker select option")).isEmpty(), page + ": a picker with voices");
            }
            // Presets come with their description, saved voices with a play button, design with a box.
            open("/tasks/narration");
            Select voice = new Select(browser.find("#nar-voice"));
            voice.selectByValue("ryan");
            assertFalse(browser.text("#nar-voice-info").isBlank(), "a preset's description");
            voice.selectByValue("saved:" + voiceId);
            assertTrue(browser.find("#nar-voice-picker .voice-play").isDisplayed(), "a saved voice can be played");
            browser.find("#nar-voice-picker .voice-play").click();
            browser.waitFor(() -> Boolean.TRUE.equals(browser.js(
                    "const a = document.querySelector('#nar-voice-picker audio'); return !a.paused || a.ended")));
            open("/tasks/script-read");
            new Select(browser.find("#sr-narrator")).selectByValue("design:");
            assertTrue(browser.find("#sr-narrator-design").isDisplayed(), "design: asks for a description");
            browser.viewportScreenshot("ui-picker-design-" + label(s), s[0], s[1]);
        }
        size(DESKTOP);
        // "Use" on a saved voice offers every task and pipeline that can speak with it.
        open("/voices");
        browser.waitFor(() -> !browser.driver.findElements(By.cssSelector("#voice-list .item .use-menu")).isEmpty());
        browser.find("#voice-list .item .use-menu summary").click();
        List<String> uses = browser.driver.findElements(By.cssSelector("#voice-list .item .use-menu a")).stream()
                .map(WebElement::getText).toList();
        assertEquals(List.of("Voice clone", "Narration", "Subtitles", "Table read (narrator)", "NPC pack"), uses);
        browser.viewportScreenshot("ui-voices-use-menu", DESKTOP[0], DESKTOP[1]);
        browser.driver.findElement(By.linkText("Subtitles")).click();
        browser.waitFor(() -> browser.driver.getCurrentUrl().contains("/tasks/subtitles"));
        open("/tasks/subtitles?voice=saved:" + voiceId);
        assertEquals("saved:" + voiceId, browser.js("return document.getElementById('sub-voice').value"));

        // A voice that does not exist is caught on the page: no job is submitted.
        int jobsBefore = api.jobs().size();
        open("/tasks/narration?voice=saved:nobody");
        browser.find("#nar-text").sendKeys("Hello.");
        browser.find("#nar-render").click();
        browser.waitFor(() -> !browser.text("[data-error-for=voice]").isBlank());
        assertTrue(browser.text("[data-error-for=voice]").contains("does not exist"), browser.text("[data-error-for=voice]"));
        assertEquals("nar-voice", browser.js("return document.activeElement.id"), "the focus moves to the first error");
        assertEquals("true", browser.find("#nar-voice").getAttribute("aria-invalid"));
        String describedBy = browser.find("#nar-voice").getAttribute("aria-describedby");
        String errorId = browser.find("[data-error-for=voice]").getAttribute("id");
        assertTrue(describedBy.contains(errorId), "the error describes the field: " + describedBy + " / " + errorId);
        assertEquals(jobsBefore, api.jobs().size(), "no job was started");
        browser.viewportScreenshot("ui-narration-missing-voice", DESKTOP[0], DESKTOP[1]);

        // A voice deleted after the page listed it passes the page's check; the server refuses the job
        // (before any compute) and the page shows why on the voice field.
        String deleted = api.saveFixtureVoice("Deleted meanwhile");
        open("/tasks/narration?voice=saved:" + deleted);
        assertEquals("saved:" + deleted, browser.js("return document.getElementById('nar-voice').value"));
        assertEquals(204, api.delete("/api/v1/voices/" + deleted).statusCode());
        browser.find("#nar-text").sendKeys("Hello.");
        browser.find("#nar-render").click();
        browser.waitFor(() -> !browser.text("[data-error-for=voice]").isBlank());
        assertTrue(browser.text("[data-error-for=voice]").contains("does not exist"), browser.text("[data-error-for=voice]"));
        assertEquals("true", browser.find("#nar-voice").getAttribute("aria-invalid"));
        assertEquals(jobsBefore, api.jobs().size(), "the server started no job");
        browser.waitFor(() -> browser.find("#nar-render").isEnabled());
        browser.viewportScreenshot("ui-narration-voice-refused-by-server", DESKTOP[0], DESKTOP[1]);
    }

    private static void tabTo(String css) {
        for (int i = 0; i < 90; i++) {
            if (Boolean.TRUE.equals(browser.js("return !!document.activeElement && document.activeElement.matches(arguments[0])", css))) {
                return;
            }
            new Actions(browser.driver).sendKeys(Keys.TAB).perform();
        }
        throw new AssertionError("Tab never reaches " + css + "; the focus is on "
                + browser.js("return document.activeElement.outerHTML.slice(0, 200)"));
    }

    private static void type(CharSequence... keys) {
        new Actions(browser.driver).sendKeys(keys).perform();
    }

    private static void ctrlEnter() {
        new Actions(browser.driver).keyDown(Keys.CONTROL).sendKeys(Keys.ENTER).keyUp(Keys.CONTROL).perform();
    }

    /** Waits for a result card (a task's, or a pipeline's) to reach a state; failure while waiting fails the test. */
    private static void waitForState(String css, String state) {
        browser.waitLong(() -> {
            Object s = browser.js("const r = document.querySelector(arguments[0]); return r ? r.dataset.state : null", css);
            if ("failed".equals(s) && !"failed".equals(state)) {
                throw new AssertionError(css + " failed: " + browser.text(css + " .status"));
            }
            return state.equals(s);
        });
    }

    @Test
    @Order(3)
    void everyTaskFormRunsFromTheKeyboardAlone() throws IOException, InterruptedException {
        for (int[] s : List.of(DESKTOP, PHONE)) {
            size(s);
            String at = label(s);
            open("/tasks/custom-voice");
            tabTo("textarea[name=input]");
            type("Typed without a mouse.");
            ctrlEnter();
            waitForState(".result", "done");
            browser.viewportScreenshot("ui-keyboard-custom-voice-" + at, s[0], s[1]);

            open("/tasks/voice-design");
            tabTo("textarea[name=instructions]");
            type("A bright young voice.");
            tabTo("textarea[name=input]");
            type("Designed from the keyboard.");
            ctrlEnter();
            waitForState(".result", "done");

            open("/tasks/voice-clone");
            tabTo("textarea[name=input]");
            type("Cloned from the keyboard.");
            ctrlEnter();
            waitForState(".result", "done");
            browser.viewportScreenshot("ui-keyboard-voice-clone-" + at, s[0], s[1]);

            open("/tasks/design-then-clone");
            tabTo("input[name=name]");
            type("Keyboard voice " + at);
            tabTo("textarea[name=instructions]");
            type("A calm voice.");
            ctrlEnter();
            waitForState(".result", "done");
            assertTrue((Boolean) browser.js("return document.querySelector('.result').q3Result.wave.total > 0"),
                    "Design a voice draws the waveform of its sample");
            assertTrue(((Number) browser.js("return document.querySelector('form').streamPlayer.schedule.length")).intValue() > 0,
                    "Design a voice plays its sample live");
            browser.viewportScreenshot("ui-keyboard-design-then-clone-" + at, s[0], s[1]);

            open("/tasks/tokenizer");
            // A file chooser is the one control a browser test cannot work by keys.
            browser.find("#tok-audio").sendKeys(Chromium.repo().resolve("fixtures/clips/ref_24k_mono_f32.wav").toString());
            tabTo("#tok-model");
            ctrlEnter();
            browser.waitFor(() -> browser.text("#tok-encode-status").contains("frames"));
            tabTo("#tok-codes");
            ctrlEnter();
            browser.waitFor(() -> browser.text("#tok-decode-status").contains("s of audio"));
        }

        size(DESKTOP);
        open("/tasks/narration");
        tabTo("textarea[name=text]");
        type("# One" + "\n\n" + "Hello there.");
        ctrlEnter();
        waitForState(".pipeline .result", "done");
        assertEquals(2, browser.driver.findElements(By.cssSelector(".pipeline .result table.parts tbody tr")).size(),
                "the parts table is inside the result card");
        browser.viewportScreenshot("ui-keyboard-narration-desktop", DESKTOP[0], DESKTOP[1]);

        size(PHONE);
        open("/tasks/script-read");
        tabTo("textarea[name=script]");
        type("ALICE: Did you hear that?");
        ctrlEnter();
        // ALICE has no voice yet: the focus lands on her voice picker, where arrow keys choose one.
        browser.waitFor(() -> Boolean.TRUE.equals(browser.js(
                "return !!document.activeElement && !!document.activeElement.closest('.voice-picker[data-speaker=ALICE]')")));
        assertTrue(browser.text("[data-error-for=voices]").contains("ALICE"), browser.text("[data-error-for=voices]"));
        type(Keys.ARROW_DOWN);
        ctrlEnter();
        waitForState(".pipeline .result", "done");
        assertEquals(1, browser.driver.findElements(By.cssSelector(".pipeline .result table.parts tbody tr")).size());
        browser.viewportScreenshot("ui-keyboard-script-read-phone", PHONE[0], PHONE[1]);
        assertFits("a finished Table read");

        open("/tasks/subtitles");
        // Pasted (here typed) instead of uploaded: the page previews it and maps its speakers the same way.
        tabTo("#sub-paste");
        type(Files.readString(Chromium.repo().resolve("docs/examples/dialogue.vtt")));
        browser.waitFor(() -> browser.driver.findElements(By.cssSelector("#sub-mapping .voice-picker select")).size() == 2);
        assertEquals(3, browser.driver.findElements(By.cssSelector("#sub-preview-cues tbody tr")).size(), "the pasted cues' preview");
        tabTo("#sub-voice");
        type(Keys.ARROW_DOWN);
        ctrlEnter();
        waitForState(".pipeline .result", "done");
        assertEquals(3, browser.driver.findElements(By.cssSelector(".pipeline .result table.parts tbody tr")).size());
        browser.viewportScreenshot("ui-keyboard-subtitles-phone", PHONE[0], PHONE[1]);
        assertFits("a finished Subtitles run");
        // The pasted text's request, as copied, is accepted as it stands (a JSON body; cancelled at once).
        String copied = snippet("curl");
        assertTrue(copied.contains("\"subtitles\":\"WEBVTT"), copied);
        String accepted = run(Files.createDirectories(dir.resolve("paste")), copied);
        String copiedJob = (String) E2e.json(accepted.getBytes(StandardCharsets.UTF_8)).get("job_id");
        api.delete("/api/v1/jobs/" + copiedJob);
        awaitEnd(copiedJob);
        api.postJson("/api/v1/jobs/" + copiedJob + "/dismiss", Map.of());

        open("/tasks/npc-pack");
        tabTo("#npc-example");
        type(Keys.ENTER);
        browser.waitFor(() -> ((String) browser.js("return document.getElementById('npc-input').value")).contains("guard"));
        tabTo("#npc-form details > summary");
        type(Keys.ENTER);
        tabTo("#npc-max-tokens");
        type("30");
        ctrlEnter();
        waitForState(".pipeline .result", "done");
        assertEquals(6, browser.driver.findElements(By.cssSelector(".pipeline .result table.parts tbody tr")).size());
        browser.viewportScreenshot("ui-keyboard-npc-pack-phone", PHONE[0], PHONE[1]);
        assertFits("a finished NPC pack");
    }

    /** The page is no wider than the viewport (no sideways scrolling); names the widest elements if not. */
    private static void assertFits(String what) {
        long viewport = ((Number) browser.js("return window.innerWidth")).longValue();
        long width = ((Number) browser.js("return document.documentElement.scrollWidth")).longValue();
        assertTrue(width <= viewport, what + " is " + width + " px wide on a " + viewport + " px screen: " + browser.js("""
                return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > arguments[0])
                  .slice(-3).map(e => e.outerHTML.slice(0, 120))""", viewport));
    }

    /** Runs a shell command (the copied snippet) in a folder; returns its output. */
    private static String run(Path folder, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", command).directory(folder.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the command ends");
        assertEquals(0, p.exitValue(), "the command succeeds: " + command + "\n" + out);
        return out;
    }

    private static String snippet(String lang) {
        browser.js("const d = document.querySelector('details.api-snippet'); d.open = true; d.render && d.render()");
        browser.find("details.api-snippet .snippet-lang[data-lang=" + lang + "]").click();
        return (String) browser.js("return document.querySelector('details.api-snippet pre.snippet').textContent");
    }

    @Test
    @Order(4)
    @SuppressWarnings("unchecked")
    void theCopiedCurlCommandDoesWhatTheFormDoes() throws Exception {
        Path work = Files.createDirectories(dir.resolve("curl"));
        size(DESKTOP);
        open("/tasks/custom-voice");
        new Select(browser.find("#cv-voice")).selectByValue("vivian");
        browser.find("textarea[name=input]").sendKeys("Sent by curl.");
        browser.setSampling(Map.of("seed", "77", "max_new_tokens", "16"));
        String curl = snippet("curl");
        assertTrue(curl.contains("/api/v1/tts/custom-voice") && curl.contains("\"voice\":\"vivian\"") && curl.contains("\"seed\":77"), curl);
        browser.viewportScreenshot("ui-copy-as-curl", DESKTOP[0], DESKTOP[1]);
        run(work, curl);
        byte[] wav = Files.readAllBytes(work.resolve("speech.wav"));
        E2e.assertWav(wav, 16);
        String python = snippet("python");
        run(work, "python3 -c 'import ast, sys; ast.parse(sys.stdin.read())' <<'EOF'\n" + python + "\nEOF");
        assertTrue(snippet("javascript").contains("fetch(\"" + base + "/api/v1/tts/custom-voice\""));
        // curl made an output with the form's settings.
        List<Map<String, Object>> outputs = (List<Map<String, Object>>) E2e.json(api.get("/api/v1/outputs?limit=50")).get("outputs");
        Map<String, Object> made = outputs.stream().filter(o -> "Sent by curl.".equals(o.get("text"))).findFirst()
                .orElseThrow(() -> new AssertionError("no output of the curl request"));
        assertEquals("77", String.valueOf(made.get("seed")));
        assertEquals("vivian", made.get("speaker"));

        // A pipeline's: the job is accepted and finishes.
        open("/tasks/narration");
        browser.find("#nar-text").sendKeys("Narrated by curl.");
        String job = run(work, snippet("curl"));
        String id = (String) E2e.json(job.getBytes(StandardCharsets.UTF_8)).get("job_id");
        assertEquals("done", awaitEnd(id).get("state"));

        // The Use from other apps page names the OpenAI base URL, and its curl works as printed.
        open("/connect");
        browser.waitFor(() -> !browser.text("#connect-voices").contains("loading"));
        assertEquals(base + "/v1", browser.text("#connect-base"));
        assertTrue(browser.text("#connect-voices").contains(voiceId), browser.text("#connect-voices"));
        Files.deleteIfExists(work.resolve("speech.wav"));
        run(work, browser.text("#connect-curl"));
        E2e.assertWav(Files.readAllBytes(work.resolve("speech.wav")), 8192);
        browser.viewportScreenshot("ui-connect-desktop", DESKTOP[0], DESKTOP[1]);
    }

    @Test
    @Order(5)
    void liveAudioPausesAndPresetsKeepTypedText() {
        size(PHONE);
        open("/tasks/custom-voice");
        browser.find("textarea[name=input]").sendKeys("A long reading to pause. ".repeat(8));
        browser.setSampling(Map.of("max_new_tokens", "400"));
        browser.find("#generate").click();
        browser.waitFor(() -> browser.find(".result .live-pause").isDisplayed()
                && Boolean.TRUE.equals(browser.js("const p = document.querySelector('form').streamPlayer; return !!p && p.schedule.length > 0")));
        browser.find(".result .live-pause").click();
        browser.waitFor(() -> "suspended".equals(browser.js("return document.querySelector('form').streamPlayer.ctx.state")));
        assertEquals("Resume", browser.text(".result .live-pause"));
        browser.find(".result .live-mute").click();
        assertEquals(0.0, ((Number) browser.js("return document.querySelector('form').streamPlayer.gain.gain.value")).doubleValue());
        browser.viewportScreenshot("ui-live-paused-phone", PHONE[0], PHONE[1]);
        browser.find(".result .live-pause").click();
        browser.waitFor(() -> "running".equals(browser.js("const c = document.querySelector('form').streamPlayer.ctx; return c ? c.state : 'closed'"))
                || "done".equals(browser.js("return document.querySelector('.result').dataset.state")));
        waitForState(".result", "done");
        assertFalse(browser.text(".result .status").matches(".*(RTF|[A-Z]{3,}_[A-Z]+).*"), "the status is in words: " + browser.text(".result .status"));

        open("/tasks/voice-design");
        browser.find("textarea[name=instructions]").sendKeys("My own description.");
        browser.find("[data-example-instructions]").click();
        assertEquals("My own description.", browser.js("return document.querySelector('[name=instructions]').value"), "typed text stays");
        assertFalse(((String) browser.js("return document.querySelector('[name=input]').value")).isBlank(), "the empty text gets the preset's");
        assertTrue(browser.text("#vd-example-note").contains("Kept your description"), browser.text("#vd-example-note"));

        // A model without style instructions really hides the Style field (not a dead input).
        open("/tasks/custom-voice");
        boolean instruct = Boolean.TRUE.equals(browser.js(
                "return Q3.models().then(ms => ms.find(m => m.id === document.querySelector('[name=model]').value).supports_instruct)"));
        WebElement style = browser.find("[data-needs-instruct]");
        assertEquals(instruct, style.isDisplayed(), "the Style field shows exactly when the model takes instructions");
        browser.js("document.querySelector('[data-needs-instruct]').hidden = true");
        assertFalse(style.isDisplayed(), "[hidden] wins over the field's display: flex");
        browser.js("document.querySelector('[data-needs-instruct]').hidden = " + !instruct);

        // Errors in words, next to their field, with the focus on the first.
        open("/tasks/voice-clone");
        browser.find("input[name=source][value=clip]").click();
        browser.find("#generate").click();
        assertEquals("Choose or record a reference clip.", browser.text("[data-error-for=ref_audio]"));
        assertTrue(browser.text("[data-error-for=ref_text]").contains("Speaker embedding only"), browser.text("[data-error-for=ref_text]"));
        assertEquals("ref_audio", browser.js("return document.activeElement.name"));
    }

    @SuppressWarnings("unchecked")
    private static String startALongNarration() {
        return startALongNarration(30);
    }

    /** Starts a narration of that many paragraphs and waits until its first step is done. */
    @SuppressWarnings("unchecked")
    private static String startALongNarration(int paragraphs) {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= paragraphs; i++) {
            text.append("Paragraph ").append(i).append(" goes on for a while.\n\n");
        }
        HttpResponse<byte[]> r = api.postJson("/plugins/narration/jobs", Map.of("text", text.toString(), "voice", "ryan", "format", "text"));
        assertEquals(202, r.statusCode(), E2e.text(r));
        String id = (String) E2e.json(r).get("job_id");
        api.awaitStepsDone(id, 1, java.time.Duration.ofSeconds(240));
        return id;
    }

    /** Polls a job until it ends, allowing for a busy machine. */
    private static Map<String, Object> awaitEnd(String id) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(300).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> job = E2e.json(api.get("/api/v1/jobs/" + id));
            if (List.of("done", "failed", "cancelled").contains(job.get("state"))) {
                return job;
            }
            E2e.sleep(100);
        }
        throw new AssertionError("job " + id + " did not end");
    }

    private static String homeItem(String id) {
        return "#home-jobs .item[data-job-id='" + id + "']";
    }

    @Test
    @Order(6)
    void aPipelineIsOneJobOnHomeThatOpensCancelsResumesAndIsDismissed() throws IOException {
        size(PHONE);
        String id = startALongNarration();
        open("/");
        browser.waitFor(() -> !browser.driver.findElements(By.cssSelector(homeItem(id))).isEmpty());
        assertEquals(List.of(), browser.driver.findElements(By.cssSelector("#home-jobs .item[data-kind=custom_voice]")),
                "the narration's steps are not entries of their own");
        assertEquals(1, browser.driver.findElements(By.cssSelector(homeItem(id))).size(), "the narration is one entry");
        browser.viewportScreenshot("ui-home-job-running-phone", PHONE[0], PHONE[1]);

        // Open: the page follows the running job.
        browser.find(homeItem(id) + " a.job-open").click();
        browser.waitFor(() -> browser.driver.getCurrentUrl().contains("/tasks/narration?job=" + id));
        browser.waitFor(() -> browser.text(".pipeline .result .status").contains("chunk"));
        browser.find(".pipeline .result button.danger").click();
        waitForState(".pipeline .result", "failed");
        assertEquals("true", browser.js("return document.querySelector('.pipeline .result').dataset.resumable"), "a cancel can be resumed");
        assertTrue(browser.text(".pipeline .result .status").startsWith("Cancelled"), browser.text(".pipeline .result .status"));
        assertTrue(((String) browser.js("return document.getElementById('nar-text').value")).contains("Paragraph 30"),
                "the page shows the request of the job it opened");
        browser.viewportScreenshot("ui-narration-cancelled-phone", PHONE[0], PHONE[1]);

        // Home: cancelled, resumable; resume it there, cancel it again, then dismiss it.
        open("/");
        browser.waitFor(() -> !browser.driver.findElements(By.cssSelector(homeItem(id) + "[data-state=cancelled] .job-resume")).isEmpty());
        assertFalse(browser.driver.findElements(By.cssSelector(homeItem(id) + " .job-dismiss")).isEmpty());
        browser.find(homeItem(id) + " .job-resume").click();
        browser.waitFor(() -> !browser.driver.findElements(By.cssSelector(homeItem(id) + "[data-state=running]")).isEmpty());
        browser.find(homeItem(id) + " .job-cancel").click();
        browser.waitFor(() -> !browser.driver.findElements(By.cssSelector(homeItem(id) + "[data-state=cancelled]")).isEmpty());
        browser.viewportScreenshot("ui-home-job-cancelled-phone", PHONE[0], PHONE[1]);
        browser.find(homeItem(id) + " .job-dismiss").click();
        browser.waitFor(() -> browser.driver.findElements(By.cssSelector(homeItem(id))).isEmpty());
        assertEquals(404, api.get("/api/v1/jobs/" + id).statusCode(), "dismissed for good");
        assertEquals(404, api.get("/api/v1/jobs/" + id + "/request").statusCode(), "its stored run is gone");
    }

    @Test
    @Order(7)
    @SuppressWarnings("unchecked")
    void aRunThatFailedOnItsRequestOffersEditAndRetryNotResume() throws IOException {
        size(DESKTOP);
        // The server refuses a missing voice at submission, so a run fails on its request only when the
        // world changes after it was accepted: its saved voice is deleted while it waits for the pipeline
        // lane (one pipeline at a time here, held by a long narration), and the run fails when it starts.
        String gone = api.saveFixtureVoice("Soon gone");
        // Long enough that it is still running when the run below has been submitted and its voice deleted.
        String blocker = startALongNarration(150);
        HttpResponse<byte[]> r = api.postJson("/plugins/narration/jobs", Map.of("text", "Spoken by a voice that is gone.",
                "voice", "saved:" + gone, "format", "text"));
        assertEquals(202, r.statusCode(), E2e.text(r));
        String id = (String) E2e.json(r).get("job_id");
        assertEquals("queued", E2e.json(api.get("/api/v1/jobs/" + id)).get("state"), "it waits for the lane");
        assertEquals(204, api.delete("/api/v1/voices/" + gone).statusCode());
        assertEquals(200, api.delete("/api/v1/jobs/" + blocker).statusCode());
        assertEquals("cancelled", awaitEnd(blocker).get("state"));
        assertEquals(204, api.postJson("/api/v1/jobs/" + blocker + "/dismiss", Map.of()).statusCode());
        Map<String, Object> ended = awaitEnd(id);
        assertEquals("failed", ended.get("state"), ended.toString());
        Map<String, Object> error = (Map<String, Object>) ended.get("error");
        assertEquals("voice", error.get("field"), ended.toString());
        // Resuming would only fail again: the server refuses it at once, naming the voice.
        HttpResponse<byte[]> resume = api.postJson("/api/v1/jobs/" + id + "/resume", Map.of());
        assertEquals(400, resume.statusCode(), E2e.text(resume));
        assertEquals("voice", E2e.json(resume).get("field"));

        open("/");
        browser.waitFor(() -> !browser.driver.findElements(By.cssSelector(homeItem(id) + "[data-state=failed]")).isEmpty());
        assertTrue(browser.driver.findElements(By.cssSelector(homeItem(id) + " .job-resume")).isEmpty(),
                "resuming would only fail again");
        browser.viewportScreenshot("ui-home-job-failed-desktop", DESKTOP[0], DESKTOP[1]);
        browser.find(homeItem(id) + " .job-edit").click();
        browser.waitFor(() -> browser.driver.getCurrentUrl().contains("/tasks/narration?job=" + id));
        browser.waitFor(() -> ("saved:" + gone).equals(browser.js("return document.getElementById('nar-voice').value")));
        assertEquals("Spoken by a voice that is gone.", browser.js("return document.getElementById('nar-text').value"));
        assertEquals("false", browser.js("return document.querySelector('.pipeline .result').dataset.resumable"));
        assertEquals("failed", browser.js("return document.querySelector('.pipeline .result').dataset.state"));
        browser.viewportScreenshot("ui-narration-edit-and-retry-desktop", DESKTOP[0], DESKTOP[1]);

        // The retry: from the press on, the card shows the new attempt (never the old failure), then the new run.
        browser.js("""
                const card = document.querySelector('.pipeline .result');
                window.q3States = [];
                new MutationObserver(() => window.q3States.push(card.dataset.state))
                  .observe(card, { attributes: true, attributeFilter: ['data-state'] });""");
        new Select(browser.find("#nar-voice")).selectByValue("ryan");
        browser.find("#nar-render").click();
        browser.waitLong(() -> {
            Object job = browser.js("return document.querySelector('.pipeline .result').dataset.jobId || null");
            return job != null && !id.equals(job);
        });
        waitForState(".pipeline .result", "done");
        List<String> states = (List<String>) browser.js("return window.q3States");
        assertEquals("checking", states.getFirst(), "the card leaves the old failure at once: " + states);
        assertFalse(states.contains("failed"), "the old failure never shows again: " + states);
        assertEquals(404, api.get("/api/v1/jobs/" + id).statusCode(), "the corrected run replaced the failed one");

        // The zip of the run holds the track and every part.
        String outputId = (String) browser.js("return document.querySelector('.pipeline .result').dataset.outputId");
        HttpResponse<byte[]> zip = api.get("/api/v1/outputs/" + outputId + "/zip");
        assertEquals(200, zip.statusCode());
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertEquals(List.of("audio.wav", "chunks/0001.wav", "report.json"), names);
        String start = browser.text(".pipeline .result table.parts tbody tr td:nth-child(3)");
        assertTrue(start.matches("\\d+:\\d\\d"), "start as m:ss: " + start);
    }

    @Test
    @Order(8)
    void afterAllTheRunsEveryListStillFitsThePhone() {
        // The lists are long now (outputs, jobs, voices of every test above): they still fit a phone.
        size(PHONE);
        for (String page : List.of("/", "/outputs", "/voices", "/models", "/connect")) {
            open(page);
            assertFits(page + " with every run of this class");
            String slug = page.equals("/") ? "home" : page.substring(1);
            browser.viewportScreenshot("ui-full-" + slug + "-phone", PHONE[0], PHONE[1]);
        }
        size(DESKTOP);
    }
}
