package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.app.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code q3tts serve}: configuration errors, the printed URL and summary, and the configured port. */
class ServeCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ServeCommand command(Map<String, String> env) {
        return new ServeCommand(new ConfigLoader(dir, env), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Map<String, String> env(String models) {
        Map<String, String> env = new HashMap<>();
        env.put("MODELS_DIR", models);
        env.put("VOICES_DIR", dir.resolve("voices").toString());
        env.put("OUTPUTS_DIR", dir.resolve("outputs").toString());
        env.put("PLUGINS_DIR", dir.resolve("plugins").toString());
        env.put("Q3TTS_ENGINE_DEVICE", "cpu");
        env.put("Q3TTS_LOG_LEVEL", "warn");
        return env;
    }

    @Test
    void givenAnInvalidValue_whenRun_thenEveryProblemIsPrintedAndTheStatusIs2() {
        Map<String, String> env = env(dir.resolve("models").toString());
        env.put("Q3TTS_SERVER_PORT", "eighty");
        env.put("Q3TTS_SCHEDULER_GPU_SLOTS", "0");
        assertEquals(2, command(env).run());
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("q3tts serve: error: Invalid configuration"), e);
        assertTrue(e.contains("server.port (from Q3TTS_SERVER_PORT)"), e);
        assertTrue(e.contains("scheduler.gpu_slots (from Q3TTS_SCHEDULER_GPU_SLOTS)"), e);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void givenTheDemoBundles_whenStarted_thenUrlAndSummaryArePrintedAndTheConfiguredPortServes() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = env(ServerEndToEndTest.repo().resolve("models").toString());
        env.put("Q3TTS_SERVER_PORT", Integer.toString(port));
        try (Q3ttsServer server = command(env).start()) {
            assertEquals(port, server.port());
            List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("q3tts: serving on http://127.0.0.1:" + port + "/"), lines.get(0));
            assertTrue(lines.get(1).startsWith("q3tts: 4 models (demo-base, demo-codec, demo-custom-voice, demo-voice-design; "
                    + "all demo bundles with random weights"), lines.get(1));
            assertTrue(lines.get(1).matches(".*plugins: \\d+ started \\(custom-voice, voice-design, voice-clone, "
                    + "design-then-clone, tokenizer[,)].*"), lines.get(1));
            assertTrue(lines.get(1).contains(", 0 failed"), lines.get(1));
            HttpResponse<byte[]> health = new E2e(port).get("/api/v1/health");
            assertEquals(200, health.statusCode());
        }
    }

    @Test
    void givenAnEmptyModelsFolderAndABrokenBundle_whenStarted_thenTheSummarySaysWhy() throws Exception {
        Path models = dir.resolve("models");
        java.nio.file.Files.createDirectories(models.resolve("broken"));
        java.nio.file.Files.writeString(models.resolve("broken/manifest.json"), "{not json");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = env(models.toString());
        env.put("Q3TTS_SERVER_PORT", Integer.toString(port));
        try (Q3ttsServer server = command(env).start()) {
            String summary = out.toString(StandardCharsets.UTF_8).lines().toList().get(1);
            assertTrue(summary.startsWith("q3tts: no models in " + models), summary);
            assertTrue(summary.contains("1 unusable bundle (broken: "), summary);
        }
    }

    @Test
    void givenThePortIsTaken_whenStarted_thenStatus1NamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Map<String, String> env = env(dir.resolve("models").toString());
            env.put("Q3TTS_SERVER_PORT", Integer.toString(taken.getLocalPort()));
            ServeCommand.StartException e = assertThrows(ServeCommand.StartException.class, () -> command(env).start());
            assertEquals(1, e.status());
            assertTrue(e.getMessage().contains(Integer.toString(taken.getLocalPort())), e.getMessage());
        }
    }

    @Test
    void givenEveryInterfaceWithoutKeys_whenStarted_thenStatus1NamingTheWayOutAndNothingListens() {
        Map<String, String> env = env(dir.resolve("models").toString());
        env.put("Q3TTS_SERVER_HOST", "0.0.0.0");
        ServeCommand.StartException e = assertThrows(ServeCommand.StartException.class, () -> command(env).start());
        assertEquals(1, e.status());
        assertTrue(e.getMessage().contains("auth.api_keys") && e.getMessage().contains("Q3TTS_AUTH_API_KEYS")
                && e.getMessage().contains("auth.allow_unauthenticated_remote"), e.getMessage());
    }

    @Test
    void givenAnInvalidKey_whenStarted_thenStatus2WithoutEchoingIt() {
        Map<String, String> env = env(dir.resolve("models").toString());
        env.put("Q3TTS_AUTH_API_KEYS", "good-key-0123456789abc,short-secret");
        ServeCommand.StartException e = assertThrows(ServeCommand.StartException.class, () -> command(env).start());
        assertEquals(2, e.status());
        assertTrue(e.getMessage().contains("auth.api_keys") && e.getMessage().contains("key 2"), e.getMessage());
        assertTrue(!e.getMessage().contains("short-secret") && !e.getMessage().contains("good-key"), e.getMessage());
    }
}
