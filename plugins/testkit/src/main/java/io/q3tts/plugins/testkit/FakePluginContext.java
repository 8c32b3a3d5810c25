package io.q3tts.plugins.testkit;

import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.plugin.PluginContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link PluginContext} for plugin tests: offers exactly the use cases registered with
 * {@link #with}, and refuses the rest the way the host does ({@link UnsupportedException}).
 */
public final class FakePluginContext implements PluginContext {

    private final String pluginId;
    private final Map<String, String> config = new LinkedHashMap<>();
    private final Map<Class<?>, Object> useCases = new LinkedHashMap<>();

    /** @param pluginId the id the plugin is started under */
    public FakePluginContext(String pluginId) {
        this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
    }

    /**
     * @param type a driving-port interface
     * @param implementation its test double (usually a lambda)
     * @param <T> the use-case type
     * @return this
     */
    public <T> FakePluginContext with(Class<T> type, T implementation) {
        useCases.put(type, Objects.requireNonNull(implementation, "implementation"));
        return this;
    }

    /**
     * @param key a configuration key
     * @param value its value
     * @return this
     */
    public FakePluginContext config(String key, String value) {
        config.put(key, value);
        return this;
    }

    @Override
    public String pluginId() {
        return pluginId;
    }

    @Override
    public Map<String, String> config() {
        return Map.copyOf(config);
    }

    @Override
    public <T> T useCase(Class<T> type) {
        Object implementation = useCases.get(type);
        if (implementation == null) {
            throw new UnsupportedException("No use case " + type.getSimpleName() + " is offered.");
        }
        return type.cast(implementation);
    }
}
