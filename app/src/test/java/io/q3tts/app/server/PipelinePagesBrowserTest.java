package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The pipeline pages in headless Chromium on the demo bundles: narrate a Markdown document and
 * voice a subtitle file as jobs (progress, then the track and every part with a player), find the
 * run in the outputs browser by its pipeline, and cancel a running pipeline. Screenshots:
 * {@code target/screenshots/narration-*.png}, {@code subtitles-*.png}, {@code outputs-pipeline.png}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PipelinePagesBrowserTest {

    @TempDir
    static Path dir;

    private static Chromium.Demo demo;
    private static Chromium browser;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        // With the guard on, random weights stop at a length tied to the text, as a real run would.
        demo = Chromium.Demo.start(dir, Map.of("Q3TTS_GENERATION_RUNAWAY_GUARD", "true"));
        browser = demo.browser();
        base = demo.base();
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    private static void waitForPipeline(String state) {
        browser.waitLong(() -> {
            Object s = browser.js("const r = document.querySelector('.pipeline .result'); return r ? r.dataset.state : null");
            if ("failed".equals(s) && !"failed".equals(state)) {
                throw new AssertionError("the pipeline failed: " + browser.text(".pipeline .result .status"));
            }
            return state.equals(s);
        });
    }

    /** Starts a 30-paragraph narration on its page and waits until its first chunk is being spoken. */
    private static void startALongNarration() {
        browser.open(base + "/tasks/narration");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            text.append("Paragraph ").append(i).append(" goes on for a while.\n\n");
        }
        browser.js("document.getElementById('nar-text').value = arguments[0]", text.toString());
        choose("#nar-voice", "ryan");
        browser.find("#nar-render").click();
        browser.waitFor(() -> browser.text(".pipeline .result .status").contains("chunk"));
    }

    /** Picks a voice in a voice picker once its lists are loaded. */
    private static void choose(String selectCss, String value) {
        browser.waitFor(() -> Boolean.TRUE.equals(browser.js(
                "const s = document.querySelector(arguments[0]); return !!s && [...s.options].some(o => o.value === arguments[1])",
                selectCss, value)));
        new Select(browser.find(selectCss)).selectByValue(value);
    }

    /** Waits until the main track's player knows a finite, positive duration. */
    private static void assertTheTrackPlays() {
        try {
            browser.waitFor(() -> Boolean.TRUE.equals(browser.js(
                    "const a = document.querySelector('.pipeline .result audio.player');"
                            + " return !!a && a.readyState >= 1 && isFinite(a.duration) && a.duration > 0")));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the track does not play: " + browser.js(
                    "const a = document.querySelector('.pipeline .result audio.player');"
                            + " return a ? [a.src, a.readyState, a.networkState, String(a.duration), a.error && a.error.message].join(' | ') : 'no player'"), e);
        }
    }

    @Test
    @Order(1)
    void narrationRunsAsAJobAndShowsTheTrackChaptersAndEveryChunk() {
        browser.open(base + "/tasks/narration");
        browser.find("#nar-text").sendKeys("# One\n\nHello there.\n\n# Two\n\nGood bye.");
        new Select(browser.find("#nar-format")).selectByValue("markdown");
        choose("#nar-voice", "ryan");
        browser.find("#nar-seed").sendKeys("5");
        browser.screenshot("narration-form");
        browser.find("#nar-render").click();
        browser.waitFor(() -> browser.text(".pipeline .result .status").matches("(?s).*(chunk|Queued|done).*"));
        waitForPipeline("done");
        assertTheTrackPlays();
        List<WebElement> chapters = browser.driver.findElements(By.cssSelector("#nar-chapters li"));
        assertEquals(2, chapters.size(), "two chapters listed");
        List<WebElement> parts = browser.driver.findElements(By.cssSelector(".pipeline-file audio"));
        assertEquals(4, parts.size(), "a player per chunk: headings and paragraphs");
        assertTrue(browser.driver.findElements(By.cssSelector(".pipeline-file[data-path='report.json'] a")).size() == 1);
        assertTrue(browser.text("#nar-status").contains("4 chunks"), browser.text("#nar-status"));
        browser.screenshot("narration-done");
    }

    @Test
    @Order(2)
    void subtitlesMapSpeakersAndShowTheReportAndEachCue() {
        browser.open(base + "/tasks/subtitles");
        browser.find("#sub-file").sendKeys(Chromium.repo().resolve("docs/examples/dialogue.vtt").toString());
        browser.waitFor(() -> browser.driver.findElements(By.cssSelector("#sub-mapping .voice-picker[data-speaker] select")).size() == 2);
        choose("#sub-mapping .voice-picker[data-speaker='Ann'] select", "vivian");
        choose("#sub-voice", "ryan");
        browser.screenshot("subtitles-form");
        browser.find("#sub-render").click();
        waitForPipeline("done");
        assertTheTrackPlays();
        assertEquals(3, browser.driver.findElements(By.cssSelector(".pipeline .result table.parts tbody tr")).size(), "a row per cue");
        assertEquals(3, browser.driver.findElements(By.cssSelector(".pipeline-file audio")).size(), "a player per cue");
        String parts = browser.text(".pipeline .result table.parts");
        assertTrue(parts.contains("vivian") && parts.contains("ryan"), parts);
        browser.screenshot("subtitles-done");
    }

    @Test
    @Order(3)
    void theOutputsBrowserFiltersByPipelineAndListsTheRunsFiles() {
        browser.open(base + "/outputs");
        new Select(browser.find("#output-filters [name=pipeline]")).selectByValue("subtitles");
        browser.waitFor(() -> browser.text("#output-count").startsWith("1 output"));
        WebElement item = browser.find("#output-list .item");
        assertTrue(item.getText().contains("subtitles"), item.getText());
        browser.js("document.querySelector('#output-list .item details.output-files').open = true");
        assertEquals(4, item.findElements(By.cssSelector("details.output-files li")).size(), "3 cues + report.json");
        browser.screenshot("outputs-pipeline");
        new Select(browser.find("#output-filters [name=pipeline]")).selectByValue("narration");
        browser.waitFor(() -> browser.text("#output-count").startsWith("1 output"));
    }

    @Test
    @Order(4)
    void aRunningPipelineIsCancelledFromItsPage() {
        startALongNarration();
        browser.find(".pipeline .result .progress button.danger").click();
        waitForPipeline("failed");
        assertTrue(browser.text(".pipeline .result .status").startsWith("Cancelled"), browser.text(".pipeline .result .status"));
        browser.screenshot("narration-cancelled");
    }

    @Test
    @Order(5)
    void aScriptIsReadWithAVoicePerSpeakerAndATimedManifest() {
        browser.open(base + "/tasks/script-read");
        browser.js("document.getElementById('sr-script').value = arguments[0]",
                "The kitchen is dark.\nALICE: Did you hear that?\nBOB (whispering): It is only the kettle.\n");
        choose("#sr-narrator", "ryan");
        browser.find("#sr-preview").click();
        browser.waitFor(() -> browser.driver.findElements(By.cssSelector("#sr-mapping .voice-picker[data-speaker] select")).size() == 2);
        choose("#sr-mapping .voice-picker[data-speaker='ALICE'] select", "vivian");
        choose("#sr-mapping .voice-picker[data-speaker='BOB'] select", "ryan");
        browser.js("document.querySelector('#sr-form details').open = true");
        browser.find("#sr-frames").sendKeys("30");
        browser.screenshot("script-read-form");
        browser.find("#sr-render").click();
        waitForPipeline("done");
        assertTheTrackPlays();
        assertEquals(3, browser.driver.findElements(By.cssSelector(".pipeline .result table.parts tbody tr")).size(), "narrator + 2 lines");
        assertEquals(3, browser.driver.findElements(By.cssSelector(".pipeline-file audio")).size(), "a player per line");
        browser.screenshot("script-read-done");
    }

    @Test
    @Order(6)
    void anNpcPackIsDesignedClonedAndZipped() {
        browser.open(base + "/tasks/npc-pack");
        browser.find("#npc-example").click();
        browser.waitFor(() -> ((String) browser.js("return document.getElementById('npc-input').value")).contains("guard"));
        browser.js("document.querySelectorAll('#npc-form details').forEach(d => d.open = true)");
        browser.find("#npc-max-tokens").sendKeys("30");
        browser.screenshot("npc-pack-form");
        browser.find("#npc-generate").click();
        waitForPipeline("done");
        assertTheTrackPlays();
        assertEquals(6, browser.driver.findElements(By.cssSelector(".pipeline .result table.parts tbody tr")).size(), "six lines in the manifest");
        assertTrue(browser.text(".pipeline .result .meta").matches("Seed \\d+ ?(reuse )?· model .*"), browser.text(".pipeline .result .meta"));
        assertEquals(1, browser.driver.findElements(By.cssSelector(".pipeline-file[data-path='pack.zip'] a")).size(), "the zip");
        assertTrue(browser.driver.findElements(By.cssSelector(".pipeline-file[data-path='guard/greet_01.wav'] audio")).size() == 1,
                "engine-friendly names with a player");
        browser.screenshot("npc-pack-done");
    }

    @Test
    @Order(7)
    void aPipelineKeepsRunningWhenItsPageIsLeftAndIsFollowedAndCancelledFromHome() {
        startALongNarration();
        browser.open(base + "/");
        String pipelineJob = "#home-jobs .item[data-kind=pipeline][data-state=running]";
        browser.waitFor(() -> !browser.driver.findElements(By.cssSelector(pipelineJob)).isEmpty());
        WebElement job = browser.find(pipelineJob);
        assertTrue(job.getText().contains("narration"), job.getText());
        browser.waitFor(() -> browser.text(pipelineJob + " .status").contains("chunk"));
        browser.screenshot("home-jobs");
        String id = job.getAttribute("data-job-id");
        browser.find(pipelineJob + " button.danger").click();
        // A cancelled pipeline stays, to be resumed or dismissed.
        String cancelled = "#home-jobs .item[data-job-id='" + id + "'][data-state=cancelled]";
        browser.waitFor(() -> !browser.driver.findElements(By.cssSelector(cancelled)).isEmpty());
        browser.find(cancelled + " .job-dismiss").click();
        browser.waitFor(() -> browser.driver.findElements(By.cssSelector("#home-jobs .item[data-job-id='" + id + "']")).isEmpty());
    }
}
