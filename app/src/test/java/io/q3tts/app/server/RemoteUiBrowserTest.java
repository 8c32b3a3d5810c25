package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
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
import org.openqa.selenium.support.ui.Select;

/**
 * Remote mode in a real browser: a UI server ({@code ui.api_url} set) serves the pages, an API server
 * ({@code http.cors_origins} naming the UI's origin) does the work. Both run the demo bundles, each with
 * its own outputs folder, so where an output lands shows which server generated it. Screenshots go to
 * {@code target/screenshots/remote-*.png}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemoteUiBrowserTest {

    @TempDir
    static Path dir;

    private static Q3ttsServer api;
    private static Q3ttsServer ui;
    private static Chromium browser;
    private static String apiBase;
    private static String uiBase;

    @BeforeAll
    static void start() throws IOException {
        Chromium.assumeInstalled();
        // The API server must know the UI's origin before the UI server exists, so the UI's port is chosen first.
        int uiPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            uiPort = probe.getLocalPort();
        }
        uiBase = "http://127.0.0.1:" + uiPort;
        api = Chromium.demoServer(dir.resolve("api"), Map.of("Q3TTS_HTTP_CORS_ORIGINS", uiBase), 0);
        apiBase = "http://127.0.0.1:" + api.port();
        ui = Chromium.demoServer(dir.resolve("ui"), Map.of("Q3TTS_UI_API_URL", apiBase + "/"), uiPort);
        browser = Chromium.start(dir.resolve("chromium"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (ui != null) {
            ui.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    @Order(1)
    void theLayoutNamesTheRemoteServer() {
        browser.open(uiBase + "/");
        assertEquals("Remote: " + apiBase, browser.text("#q3-server"));
        browser.waitFor(() -> !browser.text("#home-status").contains("loading"));
        assertTrue(browser.text("#home-status").contains("Random weights only"), browser.text("#home-status"));
        assertFalse(browser.find("#q3-offline").isDisplayed(), "the remote answers");
        assertEquals(apiBase, browser.js("return Q3.apiBase"));
        assertEquals(apiBase.replace("http:", "ws:") + "/api/v1/stream", browser.js("return Q3.wsUrl('/api/v1/stream')"));
        browser.screenshot("remote-home");
    }

    @Test
    @Order(2)
    void customVoiceGeneratesOnTheRemoteAndPlaysItsAudio() {
        browser.open(uiBase + "/tasks/custom-voice");
        browser.waitFor(() -> !browser.driver.findElements(By.cssSelector("select[name=model] option")).isEmpty());
        browser.waitFor(() -> browser.driver.findElements(By.cssSelector("select[name=voice] option")).size() > 1);
        new Select(browser.find("select[name=voice]")).selectByIndex(1);
        browser.find("textarea[name=input]").sendKeys("Generated on the remote server.");
        browser.setSampling(Map.of("max_new_tokens", "20", "seed", "4321"));
        browser.find("#generate").click();
        browser.waitForResult("done");
        assertEquals("4321", browser.text(".result .seed"));
        double duration = browser.audioDuration(".result audio");
        assertTrue(duration > 0, "the player has the remote file: " + duration);
        String src = (String) browser.js("return document.querySelector('.result audio').src");
        assertTrue(src.startsWith(apiBase + "/api/v1/outputs/"), src);
        String outputId = (String) browser.js("return document.querySelector('.result audio').dataset.outputId");
        List<String> links = browser.driver.findElements(By.cssSelector(".downloads a.dl")).stream()
                .map(a -> a.getAttribute("href")).toList();
        assertTrue(links.stream().allMatch(h -> h.startsWith(apiBase + "/")), links.toString());
        browser.screenshot("remote-custom-voice-done");

        List<?> onApi = (List<?>) E2e.json(new E2e(api.port()).get("/api/v1/outputs")).get("outputs");
        List<?> onUi = (List<?>) E2e.json(new E2e(ui.port()).get("/api/v1/outputs")).get("outputs");
        assertEquals(1, onApi.size(), "the API server generated it");
        assertEquals(outputId, ((Map<?, ?>) onApi.getFirst()).get("id"));
        assertEquals(0, onUi.size(), "nothing ran on the UI server");
    }

    @Test
    @Order(3)
    void theOutputsPageListsTheRemoteOutputsWithPlayableAudio() {
        browser.open(uiBase + "/outputs");
        browser.waitFor(() -> !browser.driver.findElements(By.cssSelector("#output-list .item")).isEmpty());
        assertTrue(browser.text("#output-list .item").contains("Generated on the remote server."));
        String src = (String) browser.js("return document.querySelector('#output-list audio').src");
        assertTrue(src.startsWith(apiBase + "/api/v1/outputs/"), src);
        browser.js("document.querySelector('#output-list audio').preload = 'auto'; document.querySelector('#output-list audio').load()");
        assertTrue(browser.audioDuration("#output-list audio") > 0);
    }

    @Test
    @Order(4)
    void theModelsPageShowsTheRemotesResidencyAndMemory() {
        browser.open(uiBase + "/models");
        browser.waitFor(() -> !browser.driver.findElements(By.cssSelector("#model-list .item")).isEmpty());
        String loaded = browser.text("[data-model-id=demo-custom-voice] dd.memory");
        assertTrue(loaded.matches("approx\\. [0-9.]+ (KiB|MiB) in use \\(of [0-9.]+ (KiB|MiB) fully loaded\\)"),
                "the model that generated is resident on the remote: " + loaded);
        String idle = browser.text("[data-model-id=demo-voice-design] dd.memory");
        assertTrue(idle.matches("not loaded; needs approx\\. [0-9.]+ (KiB|MiB) when loaded"), idle);
        browser.screenshot("remote-models");
    }

    @Test
    @Order(5)
    void anUnreachableRemoteIsShownAsAnError() {
        api.close();
        browser.open(uiBase + "/models");
        browser.waitFor(() -> browser.find("#q3-offline").isDisplayed());
        String banner = browser.text("#q3-offline");
        assertTrue(banner.startsWith("Cannot reach the q3tts server at " + apiBase), banner);
        assertTrue(banner.contains(uiBase), "says which origin the remote must allow: " + banner);
        assertTrue(browser.find("#q3-server").getAttribute("class").contains("down"));
        browser.screenshot("remote-unreachable");
    }
}
