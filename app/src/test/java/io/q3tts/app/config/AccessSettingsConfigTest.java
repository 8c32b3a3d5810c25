package io.q3tts.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.app.server.ServerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code http.allowed_hosts}, {@code auth.api_keys}, {@code auth.allow_unauthenticated_remote}. */
class AccessSettingsConfigTest {

    @TempDir
    Path base;

    private Q3ttsConfig load(Map<String, String> env) {
        return new ConfigLoader(base, env).load().config();
    }

    @Test
    void byDefaultNoExtraNamesNoKeysAndNoOptOut() {
        Q3ttsConfig c = load(Map.of());
        assertEquals(List.of(), c.http().allowedHosts());
        assertEquals(List.of(), c.auth().apiKeys());
        assertFalse(c.auth().allowUnauthenticatedRemote());
        assertEquals("Q3TTS_AUTH_API_KEYS", ConfigLoader.envVar("auth.api_keys"));
        assertEquals("Q3TTS_HTTP_ALLOWED_HOSTS", ConfigLoader.envVar("http.allowed_hosts"));
    }

    @Test
    void variablesAndFilesSetThemAndTheServerGetsThem() throws IOException {
        Q3ttsConfig c = load(Map.of("Q3TTS_HTTP_ALLOWED_HOSTS", "gpu-box, .lan.example", "Q3TTS_AUTH_API_KEYS",
                "first-key-0123456789,second-key-0123456789", "Q3TTS_AUTH_ALLOW_UNAUTHENTICATED_REMOTE", "true"));
        assertEquals(List.of("gpu-box", ".lan.example"), c.http().allowedHosts());
        assertEquals(List.of("first-key-0123456789", "second-key-0123456789"), c.auth().apiKeys());
        assertTrue(c.auth().allowUnauthenticatedRemote());
        assertFalse(c.toString().contains("first-key"), "keys are never printed: " + c);
        ServerSettings s = ServerSettings.from(c);
        assertEquals(List.of("gpu-box", ".lan.example"), s.access().allowedHosts());
        assertEquals(2, s.access().apiKeys().size());
        assertFalse(s.toString().contains("first-key"), s.toString());

        Files.createDirectories(base.resolve("configs"));
        Files.writeString(base.resolve("configs/default.yaml"),
                "http:\n  allowed_hosts: [tts.example]\nauth:\n  api_keys:\n    - file-key-0123456789\n");
        Q3ttsConfig f = load(Map.of());
        assertEquals(List.of("tts.example"), f.http().allowedHosts());
        assertEquals(List.of("file-key-0123456789"), f.auth().apiKeys());
    }

    @Test
    void badValuesAreRefusedAndAKeyIsNeverEchoed() {
        List<String> p = assertThrows(ConfigException.class, () -> load(Map.of("Q3TTS_HTTP_ALLOWED_HOSTS", "http://gpu-box:8420",
                "Q3TTS_AUTH_API_KEYS", "tiny secret"))).problems();
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("http.allowed_hosts (from Q3TTS_HTTP_ALLOWED_HOSTS): "), p.get(0));
        assertTrue(p.get(1).startsWith("auth.api_keys (from Q3TTS_AUTH_API_KEYS): "), p.get(1));
        assertFalse(p.get(1).contains("tiny") || p.get(1).contains("secret"), p.get(1));
    }
}
