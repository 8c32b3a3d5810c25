package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code q3tts serve} process with its own empty HOME and TMPDIR: after a start, a synthesis,
 * a saved voice and a stop, nothing exists outside the configured folders (ONNX Runtime's telemetry
 * database and its {@code mat-debug-<pid>.log} included), and what is inside them is owner-only.
 */
class NoStrayFilesTest {

    @TempDir
    Path base;

    @Test
    void aServerWritesOnlyIntoItsFoldersAndOnlyForItsOwner() throws Exception {
        Path home = Files.createDirectories(base.resolve("home"));
        Path tmp = Files.createDirectories(base.resolve("tmp"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:-UsePerfData", "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), "io.q3tts.app.Main", "serve");
        pb.directory(base.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("Q3TTS_") || k.endsWith("_DIR") || k.equals("ORT_DISABLE_TELEMETRY"));
        env.put("HOME", home.toString());
        env.put("TMPDIR", tmp.toString());
        env.put("MODELS_DIR", ServerEndToEndTest.repo().resolve("models").toString());
        env.put("VOICES_DIR", base.resolve("voices").toString());
        env.put("OUTPUTS_DIR", base.resolve("outputs").toString());
        env.put("PLUGINS_DIR", base.resolve("plugins").toString());
        env.put("Q3TTS_ENGINE_DEVICE", "cpu");
        env.put("Q3TTS_SERVER_PORT", Integer.toString(port));
        env.put("Q3TTS_GENERATION_RUNAWAY_GUARD", "false");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        List<String> log = new ArrayList<>();
        CompletableFuture<Boolean> up = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    synchronized (log) {
                        log.add(line);
                    }
                    if (line.contains("q3tts: serving on")) {
                        up.complete(true);
                    }
                }
            } catch (IOException e) {
                up.completeExceptionally(e);
            }
            up.complete(false);
        });
        try {
            assertTrue(up.get(120, TimeUnit.SECONDS), () -> "the server did not start: " + log);
            E2e c = new E2e(port);
            Map<String, Object> speak = new LinkedHashMap<>();
            speak.put("input", "Nothing leaves the folders.");
            speak.put("model", "demo-custom-voice");
            speak.put("voice", "ryan");
            speak.put("max_new_tokens", 8);
            HttpResponse<byte[]> spoken = c.postJson("/api/v1/tts/custom-voice", speak);
            assertEquals(200, spoken.statusCode(), () -> E2e.text(spoken));
            c.saveFixtureVoice("Private voice");
        } finally {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server stops on SIGTERM");
            reader.join(5_000);
        }
        long pid = p.pid();
        assertEquals(List.of(), tree(home), "nothing in HOME (ONNX Runtime's ~/.cache/Microsoft telemetry database)");
        assertEquals(List.of(), tree(tmp), "nothing in TMPDIR (mat-debug logs, .ses, multipart leftovers)");
        assertFalse(Files.exists(Path.of("/tmp/mat-debug-" + pid + ".log")), "no telemetry log in /tmp");
        assertFalse(log.stream().anyMatch(l -> l.contains("could not set ORT_DISABLE_TELEMETRY")), log.toString());

        for (Path root : List.of(base.resolve("outputs"), base.resolve("voices"))) {
            try (Stream<Path> all = Files.walk(root)) {
                List<Path> paths = all.toList();
                assertTrue(paths.stream().anyMatch(Files::isRegularFile), "something was stored in " + root);
                for (Path path : paths) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                    assertEquals(Files.isDirectory(path) ? "rwx------" : "rw-------", mode, path.toString());
                }
            }
        }
    }

    private static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(x -> !x.equals(dir)).map(x -> dir.relativize(x).toString()).sorted().toList();
        }
    }
}
