package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openqa.selenium.support.ui.Select;

/**
 * The web UI in a real browser against a server with {@code auth.api_keys}: a page opened without a
 * key shows the sign-in page, a wrong key is refused there, the right one signs the browser in (a
 * session cookie), and then pages, API calls, the generation's socket and the audio player all work;
 * the "copy as curl" and connect pages' requests name the key as {@code $Q3TTS_API_KEY}, never the key,
 * and work when run with it set.
 *
 * <p>Skipped when chromium is missing, like the other browser tests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ApiKeyBrowserTest {

    private static final String KEY = "browser-test-key-0123456789";

    @TempDir
    static Path dir;

    private static Chromium.Demo demo;
    private static Chromium chromium;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws IOException {
        // The guard stops random weights at a length tied to the text, so the connect page's request is quick.
        demo = Chromium.Demo.start(dir, Map.of("Q3TTS_AUTH_API_KEYS", KEY, "Q3TTS_GENERATION_RUNAWAY_GUARD", "true"));
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
    @Order(1)
    void signsInWithTheKeyThenTheUiWorks() {
        chromium.open(demo.base() + "/tasks/custom-voice");
        // The sign-in page fits a phone too.
        chromium.viewport(390, 844);
        long width = ((Number) chromium.js("return document.documentElement.scrollWidth")).longValue();
        assertTrue(width <= 390, "the sign-in page is " + width + " px wide on a 390 px phone");
        chromium.viewportScreenshot("api-key-sign-in-phone", 390, 844);
        chromium.defaultViewport();
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

    /** Runs a copied command with the given environment; returns its exit status and output. */
    private static Map.Entry<Integer, String> run(Path folder, String command, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder("bash", "-c", command).directory(folder.toFile()).redirectErrorStream(true);
        b.environment().remove("Q3TTS_API_KEY");
        b.environment().putAll(env);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the command ends");
        return Map.entry(p.exitValue(), out);
    }

    @Test
    @Order(2)
    void theCopiedRequestsCarryAKeyPlaceholderNeverTheKeyAndWorkWithTheKeySet() throws Exception {
        chromium.open(demo.base() + "/tasks/custom-voice");
        if (!browser.findElements(By.id("key")).isEmpty()) {
            browser.findElement(By.id("key")).sendKeys(KEY);
            browser.findElement(By.cssSelector("#login button")).click();
        }
        chromium.waitFor(() -> !browser.findElements(By.id("generate")).isEmpty()
                && Boolean.TRUE.equals(chromium.js("return Q3.keysRequired()")));
        browser.findElement(By.name("input")).sendKeys("Sent with a key.");
        chromium.setSampling(Map.of("max_new_tokens", "8", "seed", "7"));
        chromium.js("const d = document.querySelector('details.api-snippet'); d.open = true; d.render && d.render()");
        assertTrue(browser.findElement(By.cssSelector("details.api-snippet .snippet-key")).isDisplayed(), "says where to set the key");
        browser.findElement(By.cssSelector("details.api-snippet .snippet-lang[data-lang=curl]")).click();
        String curl = (String) chromium.js("return document.querySelector('details.api-snippet pre.snippet').textContent");
        assertTrue(curl.contains("Authorization: Bearer $Q3TTS_API_KEY"), curl);
        browser.findElement(By.cssSelector("details.api-snippet .snippet-lang[data-lang=python]")).click();
        String python = (String) chromium.js("return document.querySelector('details.api-snippet pre.snippet').textContent");
        assertTrue(python.contains("os.environ[\"Q3TTS_API_KEY\"]"), python);
        browser.findElement(By.cssSelector("details.api-snippet .snippet-lang[data-lang=javascript]")).click();
        String js = (String) chromium.js("return document.querySelector('details.api-snippet pre.snippet').textContent");
        assertTrue(js.contains("process.env.Q3TTS_API_KEY"), js);
        chromium.screenshot("api-key-copy-as-curl");
        assertFalse(((String) chromium.js("return document.documentElement.outerHTML")).contains(KEY), "the page never shows the key");

        Path work = Files.createDirectories(dir.resolve("curl"));
        Map.Entry<Integer, String> without = run(work, curl, Map.of());
        assertEquals(22, without.getKey(), "without the key the server refuses (curl -f): " + without.getValue());
        Map.Entry<Integer, String> with = run(work, curl, Map.of("Q3TTS_API_KEY", KEY));
        assertEquals(0, with.getKey(), with.getValue());
        byte[] wav = Files.readAllBytes(work.resolve("speech.wav"));
        assertTrue(wav.length > 44 && new String(wav, 0, 4, StandardCharsets.US_ASCII).equals("RIFF"), "a WAV file");

        chromium.open(demo.base() + "/connect");
        chromium.waitFor(() -> chromium.text("#connect-curl").contains("speech.wav"));
        String connect = chromium.text("#connect-curl");
        assertTrue(connect.contains("$Q3TTS_API_KEY"), connect);
        assertTrue(chromium.text("#connect-key").contains("Q3TTS_API_KEY"), chromium.text("#connect-key"));
        assertTrue(chromium.text("#connect-python").contains("os.environ[\"Q3TTS_API_KEY\"]"), chromium.text("#connect-python"));
        assertFalse(((String) chromium.js("return document.documentElement.outerHTML")).contains(KEY), "the page never shows the key");
        Files.deleteIfExists(work.resolve("speech.wav"));
        Map.Entry<Integer, String> openAi = run(work, connect, Map.of("Q3TTS_API_KEY", KEY));
        assertEquals(0, openAi.getKey(), openAi.getValue());
        assertTrue(Files.size(work.resolve("speech.wav")) > 44);
        chromium.screenshot("api-key-connect");
    }
}
