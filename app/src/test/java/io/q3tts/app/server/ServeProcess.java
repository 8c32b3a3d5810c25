package io.q3tts.app.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code q3tts serve} in its own JVM (the test's class path), for what an in-process server
 * cannot show: a process that is killed ({@code kill -9}), or everything a process writes outside its
 * folders. Configured by environment variables only, on the demo bundles, CPU, a free port.
 */
final class ServeProcess implements AutoCloseable {

    final Process process;
    final int port;
    private final List<String> log = new ArrayList<>();

    private ServeProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the server and waits until it serves.
     *
     * @param base its working folder; voices, outputs and plugins go under it
     * @param env further environment variables (HOME, TMPDIR, Q3TTS_...)
     * @param jvmArgs further JVM options
     * @return the running server
     */
    static ServeProcess start(Path base, Map<String, String> env, List<String> jvmArgs) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:-UsePerfData", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.q3tts.app.Main", "serve"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.directory(base.toFile());
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("Q3TTS_") || k.endsWith("_DIR") || k.equals("ORT_DISABLE_TELEMETRY"));
        e.put("MODELS_DIR", ServerEndToEndTest.repo().resolve("models").toString());
        e.put("VOICES_DIR", base.resolve("voices").toString());
        e.put("OUTPUTS_DIR", base.resolve("outputs").toString());
        e.put("PLUGINS_DIR", base.resolve("plugins").toString());
        e.put("Q3TTS_ENGINE_DEVICE", "cpu");
        e.put("Q3TTS_SERVER_PORT", Integer.toString(port));
        e.put("Q3TTS_GENERATION_RUNAWAY_GUARD", "false");
        e.putAll(env);
        pb.redirectErrorStream(true);
        ServeProcess server = new ServeProcess(pb.start(), port);
        CompletableFuture<Boolean> up = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    synchronized (server.log) {
                        server.log.add(line);
                    }
                    if (line.contains("q3tts: serving on")) {
                        up.complete(true);
                    }
                }
            } catch (IOException ex) {
                up.completeExceptionally(ex);
            }
            up.complete(false);
        });
        if (!up.get(120, TimeUnit.SECONDS)) {
            server.process.destroyForcibly();
            throw new AssertionError("the server did not start: " + server.log());
        }
        return server;
    }

    /** @return what it printed so far */
    List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Stops it as the user would (SIGTERM: the shutdown hook runs) and waits. */
    void stop() {
        process.destroy();
        await();
    }

    /** Kills it as a crash would (SIGKILL: nothing runs) and waits. */
    void kill() {
        process.destroyForcibly();
        await();
    }

    private void await() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the server did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
