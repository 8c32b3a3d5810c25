package io.q3tts.adapters.http;

/**
 * Finds the core's driving ports. The composition root passes {@code core::useCase}; tests pass a
 * fake. Same contract as {@code PluginContext.useCase}.
 */
@FunctionalInterface
public interface UseCaseLookup {
    /**
     * @param type a driving-port interface from {@code io.q3tts.ports.in}
     * @param <T> its type
     * @return the implementation, never null
     * @throws io.q3tts.ports.model.UnsupportedException if the core does not offer it
     */
    <T> T useCase(Class<T> type);
}
