package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every attack of issue #11 against a real server on the demo bundles, as a hostile page (or a page
 * that rebound its domain to 127.0.0.1) would send it: each is refused and leaves nothing behind,
 * while the same requests from a client that is not a browser (curl) still work.
 */
class AttacksEndToEndTest {

    private static final String EVIL = "http://evil.example";

    @TempDir
    static Path dir;

    private static Q3ttsServer server;
    private static int port;

    @BeforeAll
    static void start() {
        server = E2e.startServer(dir);
        port = server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static RawHttp.Response send(String method, String path, Map<String, String> headers, String body) {
        return RawHttp.send(port, method, path, headers, body);
    }

    @Test
    void dnsRebindingCannotReadOutputsVoicesOrPagesNorRunJobs() {
        Map<String, String> rebound = Map.of("Host", "evil.example:" + port);
        for (String path : List.of("/api/v1/outputs", "/api/v1/voices", "/", "/outputs", "/ui/q3.js", "/v1/models")) {
            RawHttp.Response r = send("GET", path, rebound, null);
            assertEquals(403, r.status(), path + ": " + r.body());
            assertTrue(r.body().contains("http.allowed_hosts"), r.body());
        }
        RawHttp.Response ws = send("GET", "/api/v1/stream", RawHttp.upgrade(Map.of("Host", "evil.example:" + port,
                "Origin", "http://evil.example:" + port)), null);
        assertEquals(403, ws.status(), "Host and Origin agree, and still: " + ws.body());
        assertEquals(200, send("GET", "/api/v1/outputs", Map.of(), null).status(), "127.0.0.1 is served");
    }

    @Test
    void crossSiteSimpleRequestsHaveNoEffect() {
        int outputsBefore = E2e.tree(dir.resolve("outputs")).size();
        Map<String, String> textPlain = Map.of("Origin", EVIL, "Content-Type", "text/plain");
        RawHttp.Response tts = send("POST", "/api/v1/tts/custom-voice?input=hi&voice=ryan", textPlain, "x");
        assertEquals(403, tts.status(), tts.body());
        RawHttp.Response job = send("POST", "/api/v1/jobs", textPlain,
                "{\"task\":\"custom_voice\",\"input\":\"hi\",\"voice\":\"ryan\"}");
        assertEquals(403, job.status(), job.body());
        String multipart = "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nStolen\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"audio_sample\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\r\n--b--\r\n";
        Map<String, String> form = Map.of("Origin", EVIL, "Content-Type", "multipart/form-data; boundary=b");
        assertEquals(403, send("POST", "/api/v1/voices", form, multipart).status());
        assertEquals(403, send("POST", "/plugins/narration/jobs", form, multipart).status());
        for (String action : List.of("unload", "load")) {
            RawHttp.Response r = send("POST", "/api/v1/models/demo-custom-voice/" + action, Map.of("Origin", EVIL), "");
            assertEquals(403, r.status(), action + ": " + r.body());
        }
        assertEquals(outputsBefore, E2e.tree(dir.resolve("outputs")).size(), "no output was stored");
        assertEquals(List.of(), E2e.tree(dir.resolve("voices")), "no voice was stored");

        RawHttp.Response curl = send("POST", "/api/v1/models/demo-custom-voice/unload", Map.of(), "");
        assertEquals(200, curl.status(), "curl, which sends no Origin, works as before: " + curl.body());
    }
}
