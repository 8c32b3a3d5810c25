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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * Remote mode against an API server with {@code auth.api_keys}: the pages send the key they keep for
 * that server ({@code Authorization: Bearer} on fetches, {@code access_token} on audio and sockets), ask
 * for it on a 401, and without it get nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemoteApiKeyBrowserTest {

    private static final String KEY = "remote-browser-key-0123456789";

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
        int uiPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            uiPort = probe.getLocalPort();
        }
        uiBase = "http://127.0.0.1:" + uiPort;
        api = Chromium.demoServer(dir.resolve("api"), Map.of("Q3TTS_HTTP_CORS_ORIGINS", uiBase, "Q3TTS_AUTH_API_KEYS", KEY), 0);
        apiBase = "http://127.0.0.1:" + api.port();
        ui = Chromium.demoServer(dir.resolve("ui"), Map.of("Q3TTS_UI_API_URL", apiBase), uiPort);
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

    private static Object apiCall(String path) {
        return browser.asyncJs("const done = arguments[arguments.length - 1];"
                + "Q3.api('GET', arguments[0]).then(j => done('ok ' + JSON.stringify(j).length), e => done('error ' + e.status));",
                path);
    }

    @Test
    void thePagesAskForTheKeyKeepItAndSendItEverywhere() {
        // Every document's prompt answers window.answer (null: the user cancels), so no dialog blocks the driver.
        ((org.openqa.selenium.chromium.HasCdp) browser.driver).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                Map.of("source", "window.answer = null; window.prompt = () => window.answer;"));
        browser.open(uiBase + "/models");
        assertEquals("error 401", apiCall("/api/v1/outputs"), "no key, none given: refused");
        browser.js("window.answer = arguments[0]", KEY);
        assertEquals(true, apiCall("/api/v1/outputs").toString().startsWith("ok "), "asked, then sent");
        assertEquals(KEY, browser.js("return localStorage.getItem('q3tts-api-key:' + arguments[0])", apiBase));

        browser.open(uiBase + "/tasks/custom-voice");
        browser.waitFor(() -> !browser.driver.findElements(By.cssSelector("select[name=model] option")).isEmpty());
        new Select(browser.find("select[name=voice]")).selectByIndex(1);
        browser.find("textarea[name=input]").sendKeys("Keyed remote.");
        browser.setSampling(Map.of("max_new_tokens", "8", "seed", "5"));
        browser.find("#generate").click();
        browser.waitForResult("done");
        assertTrue(browser.audioDuration(".result audio") > 0, "the player loads the remote file with access_token");
        String src = (String) browser.js("return document.querySelector('.result audio').src");
        assertTrue(src.startsWith(apiBase + "/api/v1/outputs/") && src.contains("access_token="), src);
        List<?> onApi = (List<?>) E2e.json(new E2e(api.port()).send(new E2e(api.port()).request("/api/v1/outputs")
                .header("Authorization", "Bearer " + KEY).GET())).get("outputs");
        assertEquals(1, onApi.size(), "the API server generated it");
        assertFalse(browser.find("#q3-offline").isDisplayed());
        browser.screenshot("remote-api-key-done");
    }
}
