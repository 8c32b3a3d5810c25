package io.q3tts.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ui.api_url} and {@code http.cors_origins}: defaults, overrides, and the checks made at start. */
class RemoteUiConfigTest {

    @TempDir
    Path base;

    private Q3ttsConfig load(Map<String, String> env) {
        return new ConfigLoader(base, env).load().config();
    }

    private List<String> problems(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> new ConfigLoader(base, env).load()).problems();
    }

    private void write(String yaml) throws IOException {
        Files.createDirectories(base.resolve("configs"));
        Files.writeString(base.resolve("configs/default.yaml"), yaml);
    }

    @Test
    void byDefaultTheUiIsLocalAndNoOtherOriginMayCall() {
        Q3ttsConfig c = load(Map.of());
        assertEquals("", c.ui().apiUrl());
        assertFalse(c.ui().remote());
        assertEquals(List.of(), c.http().corsOrigins(), "same-origin only, never * by default");
        assertEquals("Q3TTS_UI_API_URL", ConfigLoader.envVar("ui.api_url"));
        assertEquals("Q3TTS_HTTP_CORS_ORIGINS", ConfigLoader.envVar("http.cors_origins"));
    }

    @Test
    void environmentVariablesSetTheRemoteAndTheOrigins() {
        Q3ttsConfig c = load(Map.of("Q3TTS_UI_API_URL", "http://gpu-box:8420/",
                "Q3TTS_HTTP_CORS_ORIGINS", " http://127.0.0.1:8421 , https://ui.example.org/ "));
        assertEquals("http://gpu-box:8420", c.ui().apiUrl(), "a trailing slash is dropped");
        assertTrue(c.ui().remote());
        assertEquals(List.of("http://127.0.0.1:8421", "https://ui.example.org"), c.http().corsOrigins());
    }

    @Test
    void theFileTakesAListOfOrigins() throws IOException {
        write("ui:\n  api_url: https://[::1]:9000\nhttp:\n  cors_origins:\n    - http://a:1\n    - http://b:2\n");
        Q3ttsConfig c = load(Map.of());
        assertEquals("https://[::1]:9000", c.ui().apiUrl());
        assertEquals(List.of("http://a:1", "http://b:2"), c.http().corsOrigins());
        write("http:\n  cors_origins: ['*']\n");
        assertEquals(List.of("*"), load(Map.of()).http().corsOrigins(), "any origin only when asked for");
    }

    @Test
    void anApiUrlWithAPathQueryOrOtherSchemeIsRefusedNamingTheKey() {
        for (String bad : List.of("gpu-box:8420", "ftp://gpu-box", "http://gpu-box:8420/api/v1", "http://gpu-box?x=1",
                "http://gpu-box#top", "http://user@gpu-box", "http://gpu-box:70000", "not a url")) {
            List<String> p = problems(Map.of("Q3TTS_UI_API_URL", bad));
            assertEquals(1, p.size(), bad + ": " + p);
            assertTrue(p.getFirst().startsWith("ui.api_url (from Q3TTS_UI_API_URL): must be empty"), p.getFirst());
            assertTrue(p.getFirst().contains("http(s)://host[:port]"), p.getFirst());
            assertTrue(p.getFirst().endsWith("got '" + bad + "'"), p.getFirst());
        }
    }

    @Test
    void aBadOriginIsRefusedNamingIt() throws IOException {
        List<String> p = problems(Map.of("Q3TTS_HTTP_CORS_ORIGINS", "http://ok:1,http://bad:1/path"));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.getFirst().startsWith("http.cors_origins (from Q3TTS_HTTP_CORS_ORIGINS): "), p.getFirst());
        assertTrue(p.getFirst().contains("'http://bad:1/path' is not"), p.getFirst());
        write("http:\n  cors_origins:\n    - {a: 1}\n");
        List<String> nested = problems(Map.of());
        assertTrue(nested.getFirst().startsWith("http.cors_origins (from configs/default.yaml): must be a list"), nested.toString());
    }
}
