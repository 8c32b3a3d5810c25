package io.q3tts.app.plugins;

import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.plugin.PluginContext;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The context the host gives one plugin: its id, its configuration section and the core's driving
 * ports. Only {@code io.q3tts.ports.in} types are handed out, whatever the lookup could answer.
 *
 * @param pluginId the plugin's id
 * @param config the plugin's configuration, read-only
 * @param useCases looks up a driving port; throws {@link UnsupportedException} for unknown types
 */
record HostPluginContext(String pluginId, Map<String, String> config, Function<Class<?>, Object> useCases)
        implements PluginContext {

    HostPluginContext {
        Objects.requireNonNull(pluginId, "pluginId");
        config = Map.copyOf(config);
        Objects.requireNonNull(useCases, "useCases");
    }

    @Override
    public <T> T useCase(Class<T> type) {
        if (!type.isInterface() || !type.getPackageName().startsWith("io.q3tts.ports.in")) {
            throw new UnsupportedException("Plugins may only use the core's use cases (io.q3tts.ports.in), not "
                    + type.getName() + ".");
        }
        return type.cast(useCases.apply(type));
    }
}
