package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The web UI in a real browser against a server with {@code auth.api_keys}: a page opened without a
 * key shows the sign-in page, a wrong key is refused there, the right one signs the browser in (a
 * session cookie), and then pages, API calls, the generation's socket and the audio player all work.
 *
 * <p>Skipped when chromium is missing, like the other browser tests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiKeyBrowserTest {

    private static final String KEY = "browser-test-key-0123456789";

    @TempDir
    static Path dir;

    private static Chromium.Demo demo;
    private static Chromium chromium;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws IOException {
        demo = Chromium.Demo.start(dir, Map.of("Q3TTS_AUTH_API_KEYS", KEY));
        chromium = demo.browser();
        browser = chromium.driver;
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void signsInWithTheKeyThenTheUiWorks() {
        chromium.open(demo.base() + "/tasks/custom-voice");
        browser.findElement(By.id("key")).sendKeys("not-the-key-at-all");
        browser.findElement(By.cssSelector("#login button")).click();
        chromium.waitFor(() -> !chromium.text("#error").isBlank());
        assertTrue(chromium.text("#error").contains("not valid"), chromium.text("#error"));
        chromium.screenshot("api-key-sign-in-refused");

        browser.findElement(By.id("key")).clear();
        browser.findElement(By.id("key")).sendKeys(KEY);
        browser.findElement(By.cssSelector("#login button")).click();
        chromium.waitFor(() -> !browser.findElements(By.id("generate")).isEmpty());
        Object status = chromium.asyncJs("const done = arguments[arguments.length - 1];"
                + "fetch('/api/v1/outputs').then(r => done(r.status)).catch(e => done(String(e)));");
        assertEquals(200, ((Number) status).intValue(), "API calls carry the session");
        assertTrue(!((String) chromium.js("return document.cookie")).contains(KEY), "the key is not in a readable cookie");

        new Select(browser.findElement(By.name("voice"))).selectByIndex(1);
        browser.findElement(By.name("input")).sendKeys("Signed in.");
        chromium.setSampling(Map.of("max_new_tokens", "8", "seed", "7"));
        browser.findElement(By.id("generate")).click();
        chromium.waitForResult("done");
        assertTrue(chromium.audioDuration(".result audio") > 0, "the player loads the file with the session");
        chromium.screenshot("api-key-signed-in");
    }
}
