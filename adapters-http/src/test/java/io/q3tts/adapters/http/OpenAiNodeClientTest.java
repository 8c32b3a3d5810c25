package io.q3tts.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official {@code openai} npm client (version pinned in {@code src/test/node/package.json})
 * calls {@code /v1/audio/speech} and {@code /v1/models} on a running server. Installs the client
 * with {@code npm ci} when {@code node_modules} is missing; skipped only when npm is not on PATH.
 */
class OpenAiNodeClientTest {

    private static final Path DIR = Path.of("src/test/node").toAbsolutePath();

    @Test
    void officialClientGetsAudio() throws Exception {
        assumeTrue(onPath("npm") && onPath("node"), "npm/node not on PATH: skipping the openai npm client test");
        if (!Files.isDirectory(DIR.resolve("node_modules/openai"))) {
            int rc = run(List.of("npm", "ci", "--no-audit", "--no-fund"), null, null, 300).exitCode;
            assertEquals(0, rc, "npm ci failed in " + DIR);
        }
        try (HttpServer server = new HttpServer(new FakeCore(), List.of(), HttpServerConfig.defaults().withPort(0)).start()) {
            Result r = run(List.of("node", "speech.mjs"), "http://127.0.0.1:" + server.port(), null, 120);
            assertEquals(0, r.exitCode, r.output);
            assertTrue(r.output.contains("OK wav="), r.output);
        }
    }

    @Test
    void officialClientSendsTheApiKeyAndAWrongOneIsRefused() throws Exception {
        assumeTrue(onPath("npm") && onPath("node"), "npm/node not on PATH: skipping the openai npm client test");
        if (!Files.isDirectory(DIR.resolve("node_modules/openai"))) {
            assertEquals(0, run(List.of("npm", "ci", "--no-audit", "--no-fund"), null, null, 300).exitCode);
        }
        String key = "node-client-key-0123456789";
        try (HttpServer server = new HttpServer(new FakeCore(), List.of(), HttpServerConfig.defaults().withPort(0)
                .withAccess(new AccessConfig(List.of(), List.of(key), false))).start()) {
            Result r = run(List.of("node", "speech.mjs"), "http://127.0.0.1:" + server.port(), key, 120);
            assertEquals(0, r.exitCode, r.output);
            assertTrue(r.output.contains("OK wav="), r.output);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, String baseUrl, String apiKey, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true);
        if (baseUrl != null) {
            pb.environment().put("Q3TTS_BASE_URL", baseUrl);
        }
        pb.environment().remove("Q3TTS_API_KEY");
        if (apiKey != null) {
            pb.environment().put("Q3TTS_API_KEY", apiKey);
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " timed out");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }
}
