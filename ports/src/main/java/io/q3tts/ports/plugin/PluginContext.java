package io.q3tts.ports.plugin;

import io.q3tts.ports.model.UnsupportedException;
import java.util.Map;
import java.util.Optional;

/**
 * What the host gives a plugin: its identity, its configuration and the driving ports (use
 * cases) of the core. Implemented by the app; a plugin never sees adapters, the domain or any
 * driven port, so every inference it triggers passes the GPU policy.
 *
 * <p>Thread-safe; the use cases it returns are thread-safe too.
 */
public interface PluginContext {

    /** @return the plugin's id, as in {@link TaskPlugin#id()} */
    String pluginId();

    /**
     * @return the plugin's configuration (from the app's configuration, section
     *     {@code plugins.<id>}), read-only, never null
     */
    Map<String, String> config();

    /**
     * Looks up a use case of the core.
     *
     * @param type a driving-port interface from {@code io.q3tts.ports.in}, e.g.
     *     {@code SynthesizeCustomVoiceUseCase.class}
     * @param <T> the use-case type
     * @return the implementation, never null
     * @throws UnsupportedException if the host does not offer that use case
     */
    <T> T useCase(Class<T> type);

    /**
     * @param type a driving-port interface
     * @param <T> the use-case type
     * @return the implementation, or empty if the host does not offer it
     */
    default <T> Optional<T> findUseCase(Class<T> type) {
        try {
            return Optional.of(useCase(type));
        } catch (UnsupportedException e) {
            return Optional.empty();
        }
    }
}
