package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        long pid;
        List<String> log;
        try (ServeProcess server = ServeProcess.start(base, Map.of("HOME", home.toString(), "TMPDIR", tmp.toString()),
                List.of("-Djava.io.tmpdir=" + tmp))) {
            pid = server.process.pid();
            E2e c = new E2e(server.port);
            Map<String, Object> speak = new LinkedHashMap<>();
            speak.put("input", "Nothing leaves the folders.");
            speak.put("model", "demo-custom-voice");
            speak.put("voice", "ryan");
            speak.put("max_new_tokens", 8);
            HttpResponse<byte[]> spoken = c.postJson("/api/v1/tts/custom-voice", speak);
            assertEquals(200, spoken.statusCode(), () -> E2e.text(spoken));
            c.saveFixtureVoice("Private voice");
            server.stop();
            log = server.log();
        }
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
