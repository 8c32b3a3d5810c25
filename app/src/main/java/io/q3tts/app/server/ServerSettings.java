package io.q3tts.app.server;

import io.q3tts.adapters.inference.onnx.bundle.ExecutionProvider;
import io.q3tts.domain.scheduling.SchedulerPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the server needs from the configuration. The seam to {@code io.q3tts.app.config}: the
 * configuration loader maps its records into this one; until then {@link #fromEnvironment} reads
 * the few environment variables below.
 *
 * @param host the interface to bind ({@code 127.0.0.1} unless told otherwise)
 * @param port the TCP port, 0 for any free one
 * @param pluginDirs folders whose {@code *.jar} files are third-party plugins
 * @param device where ONNX Runtime runs
 * @param scheduler the GPU policy (slots, queue, grace periods)
 * @param pluginConfigs configuration section per plugin id
 */
public record ServerSettings(String host, int port, List<Path> pluginDirs, ExecutionProvider device,
                             SchedulerPolicy scheduler, Map<String, Map<String, String>> pluginConfigs) {

    /** The default port. */
    public static final int DEFAULT_PORT = 8080;

    /** @throws IllegalArgumentException on a port out of range */
    public ServerSettings {
        host = host == null || host.isBlank() ? "127.0.0.1" : host.strip();
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        pluginDirs = List.copyOf(pluginDirs);
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(scheduler, "scheduler");
        pluginConfigs = Map.copyOf(pluginConfigs);
    }

    /**
     * Reads {@code Q3TTS_HOST}, {@code Q3TTS_PORT} (default 8080), {@code Q3TTS_PLUGINS_DIR}
     * (default {@code <home>/plugins}) and {@code Q3TTS_DEVICE} ({@code auto}, {@code cuda}, {@code cpu}).
     *
     * @param env the environment
     * @param home the folder relative defaults live in (the installation root)
     * @return the settings, with the default GPU policy
     * @throws IllegalArgumentException naming the variable whose value is wrong
     */
    public static ServerSettings fromEnvironment(Map<String, String> env, Path home) {
        int port;
        try {
            port = Integer.parseInt(env.getOrDefault("Q3TTS_PORT", String.valueOf(DEFAULT_PORT)).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Q3TTS_PORT must be a number, got '" + env.get("Q3TTS_PORT") + "'");
        }
        ExecutionProvider device;
        try {
            device = ExecutionProvider.parse(env.get("Q3TTS_DEVICE"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Q3TTS_DEVICE: " + e.getMessage(), e);
        }
        String plugins = env.get("Q3TTS_PLUGINS_DIR");
        return new ServerSettings(env.get("Q3TTS_HOST"), port,
                List.of(plugins == null || plugins.isBlank() ? home.resolve("plugins") : Path.of(plugins)),
                device, SchedulerPolicy.defaults(), Map.of());
    }

    /**
     * @param newPort a port
     * @return a copy listening there
     */
    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, pluginDirs, device, scheduler, pluginConfigs);
    }

    /**
     * @param policy a GPU policy
     * @return a copy with it
     */
    public ServerSettings withScheduler(SchedulerPolicy policy) {
        return new ServerSettings(host, port, pluginDirs, device, policy, pluginConfigs);
    }
}
