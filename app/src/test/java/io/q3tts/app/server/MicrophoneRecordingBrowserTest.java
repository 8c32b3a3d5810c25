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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Recording a reference in the browser: Chromium's fake microphone ({@code --use-fake-device-for-media-stream},
 * a beep; {@code --use-fake-ui-for-media-stream} grants access without a prompt) is recorded for about
 * two seconds on the VoiceClone page, and the recording becomes a playable WAV that clones a voice
 * on the demo bundles and is saved as a voice. Screenshot: {@code target/screenshots/voice-clone-recorded.png}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MicrophoneRecordingBrowserTest {

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

    @Test
    void aRecordingClonesAVoiceAndIsSavedAsOne() throws InterruptedException {
        browser.open(base + "/tasks/voice-clone");
        browser.find("input[name=source][value=saved]").click();
        WebElement record = browser.find(".clip-source button");
        assertEquals("Record", record.getText());
        record.click();
        browser.waitFor(() -> "Stop".equals(record.getText()));
        Thread.sleep(2_200);
        record.click();
        String script = "return document.querySelector('.clip-source').textContent";
        browser.waitFor(() -> ((String) browser.js(script)).matches("(?s).*(Recorded|Cannot|No microphone).*"));
        String info = (String) browser.js(script);
        assertTrue(info.contains("Recorded"), "the recording was decoded: " + info);
        assertTrue(browser.find("input[name=source][value=clip]").isSelected(), "a new recording is the reference to use");
        double seconds = browser.audioDuration(".clip-preview");
        assertTrue(seconds > 1.5 && seconds < 4, "about two seconds in the preview player: " + seconds);
        @SuppressWarnings("unchecked")
        List<Object> header = (List<Object>) browser.asyncJs("""
                const done = arguments[arguments.length - 1];
                fetch(document.querySelector('.clip-preview').src).then(r => r.arrayBuffer()).then(b => {
                  const v = new DataView(b);
                  done([String.fromCharCode(v.getUint8(0), v.getUint8(1), v.getUint8(2), v.getUint8(3)), v.getUint32(24, true),
                        v.getUint16(22, true), b.byteLength]);
                });""");
        assertEquals("RIFF", header.get(0), "converted to WAV (the server does not decode webm)");
        assertEquals(1L, ((Number) header.get(2)).longValue(), "mono");
        long rate = ((Number) header.get(1)).longValue();
        assertTrue(((Number) header.get(3)).longValue() > rate, "more than a second of 16-bit samples: " + header);

        browser.find("textarea[name=ref_text]").sendKeys("A short beep.");
        browser.find("textarea[name=input]").sendKeys("Cloned from a recording.");
        browser.setSampling(Map.of("max_new_tokens", "12", "seed", "7"));
        browser.find("#generate").click();
        browser.waitForResult("done");
        assertTrue(browser.audioDuration(".result audio") > 0, "the cloned speech plays");

        browser.find("#vc-save-name").sendKeys("Recorded voice");
        browser.find("#vc-save-form button[type=submit]").click();
        browser.waitFor(() -> !browser.text("#vc-save-status").isBlank() || !browser.text("#vc-save-form [data-error-for='']").isBlank()
                || !browser.text("#vc-save-form [data-error-for=name]").isBlank());
        assertTrue(browser.text("#vc-save-status").startsWith("Saved as Recorded voice"),
                browser.text("#vc-save-form"));
        browser.screenshot("voice-clone-recorded");

        Map<String, Object> voices = E2e.json(new E2e(demo.server().port()).get("/api/v1/voices"));
        List<?> list = (List<?>) voices.get("voices");
        assertEquals(1, list.size(), voices.toString());
        Map<?, ?> voice = (Map<?, ?>) list.getFirst();
        assertEquals("Recorded voice", voice.get("name"));
        double clip = ((Number) voice.get("clip_seconds")).doubleValue();
        assertTrue(clip > 1.5 && clip < 4, "the saved clip is the recording: " + clip);
        assertTrue(browser.driver.findElements(By.cssSelector("#vc-voice option")).stream()
                .anyMatch(o -> o.getText().startsWith("Recorded voice")), "offered as a saved voice at once");
    }
}
