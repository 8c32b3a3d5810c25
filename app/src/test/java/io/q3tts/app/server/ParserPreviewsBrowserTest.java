package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The pipeline pages show what will be spoken before any compute (issue 12): the narration preview
 * (chunks, what a book leaves out), the subtitle preview (encoding, cues, skipped cues) and the table
 * read's line list, in a real browser against a real server. Nothing here starts a job. Screenshots:
 * {@code target/screenshots/preview-*.png}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ParserPreviewsBrowserTest {

    @TempDir
    static Path dir;

    private static Chromium.Demo demo;
    private static Chromium browser;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        demo = Chromium.Demo.start(dir, Map.of());
        browser = demo.browser();
        base = demo.base();
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    private static List<String> cells(String css, int column) {
        return browser.driver.findElements(By.cssSelector(css + " tbody tr")).stream()
                .map(tr -> tr.findElements(By.tagName("td")).get(column).getText()).toList();
    }

    @Test
    void narrationPreviewsItsChunksAndWhatABookLeavesOut() {
        browser.open(base + "/tasks/narration");
        browser.js("document.getElementById('nar-text').value = arguments[0]", "*** START OF THE PROJECT GUTENBERG EBOOK X ***\n\n"
                + "# One\n\nsnake_case_name and 2*3*4.\n\n    code();\n");
        new Select(browser.find("#nar-format")).selectByValue("markdown");
        browser.find("#nar-check").click();
        browser.waitFor(() -> browser.driver.findElements(By.cssSelector("#nar-preview-chunks tbody tr")).size() == 2);
        assertEquals(List.of("§ One", "snake_case_name and 2*3*4."), cells("#nar-preview-chunks", 2));
        assertEquals(List.of("1", "2"), cells("#nar-preview-chunks", 0));
        List<WebElement> skipped = browser.driver.findElements(By.cssSelector("#nar-preview-skipped li"));
        assertEquals(2, skipped.size());
        assertTrue(skipped.get(0).getText().contains("Project Gutenberg header"), skipped.get(0).getText());
        assertTrue(skipped.get(1).getText().contains("code block"), skipped.get(1).getText());
        browser.screenshot("preview-narration");
    }

    @Test
    void aSubtitleFileIsPreviewedWithItsEncodingAndSkippedCues() throws IOException {
        Path file = dir.resolve("legacy.srt");
        Files.write(file, ("1\n00:00:01,000 --> 00:00:02,000\nCaf\u00e9 d\u00e9j\u00e0 vu.\n\n"
                + "2\n00::00:03,000 --> 00:00:04,000\nBroken.\n\n3\n00:00:05,000 --> 00:00:06,000\nIf 2<3 and 5>1.\n")
                .getBytes(Charset.forName("windows-1252")));
        browser.open(base + "/tasks/subtitles");
        browser.find("#sub-file").sendKeys(file.toString());
        browser.waitFor(() -> browser.driver.findElements(By.cssSelector("#sub-preview-cues tbody tr")).size() == 2);
        assertEquals(List.of("Caf\u00e9 d\u00e9j\u00e0 vu.", "If 2<3 and 5>1."), cells("#sub-preview-cues", 5));
        assertTrue(browser.text("#sub-preview-summary").contains("read as windows-1252"), browser.text("#sub-preview-summary"));
        assertTrue(browser.text("#sub-preview-skipped").contains("Line 6 skipped: bad timestamp"), browser.text("#sub-preview-skipped"));
        browser.screenshot("preview-subtitles");
    }

    @Test
    void theTableReadListsEveryLineAsItWillBeSpoken() {
        browser.open(base + "/tasks/script-read");
        browser.js("document.getElementById('sr-script').value = arguments[0]",
                "SOCRATES: Then we are\nback where we started.\nMENO: So it seems.\nThe door creaks open.\n[pause 1.5s]\n"
                        + "SOCRATES: Indeed.\n");
        browser.find("#sr-preview").click();
        browser.waitFor(() -> browser.driver.findElements(By.cssSelector("#sr-lines tbody tr")).size() == 4);
        browser.js("document.getElementById('sr-lines-box').open = true");
        assertEquals("Then we are back where we started.", cells("#sr-lines", 3).get(0));
        assertTrue(cells("#sr-lines", 3).get(2).startsWith("skipped: an action line"), cells("#sr-lines", 3).get(2));
        assertEquals("1.5 s", cells("#sr-lines", 4).get(1));
        browser.screenshot("preview-script-read");
    }
}
