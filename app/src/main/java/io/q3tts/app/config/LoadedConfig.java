package io.q3tts.app.config;

import java.util.List;
import java.util.Map;

/**
 * The outcome of {@link ConfigLoader#load()}.
 *
 * @param config the validated configuration
 * @param sources for every key ({@code "server.port"}), where its value came from: a file
 *     ({@code "configs/default.yaml"}), an environment variable ({@code "Q3TTS_SERVER_PORT"}) or
 *     {@code "built-in default"}; for start-up logs and diagnostics
 * @param warnings non-fatal findings (an environment variable that looks like a key but is not one)
 */
public record LoadedConfig(Q3ttsConfig config, Map<String, String> sources, List<String> warnings) {

    /** Copies the collections. */
    public LoadedConfig {
        sources = Map.copyOf(sources);
        warnings = List.copyOf(warnings);
    }
}
