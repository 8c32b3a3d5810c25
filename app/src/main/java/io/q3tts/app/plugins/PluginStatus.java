package io.q3tts.app.plugins;

import java.util.Objects;

/**
 * What became of one plugin candidate at start-up, for logs and the plugin listing.
 *
 * @param id the plugin id, or the class name when the plugin could not even say its id
 * @param source {@code "built-in"} or the jar's file name
 * @param state whether it runs
 * @param message why it does not run, or empty
 */
public record PluginStatus(String id, String source, State state, String message) {

    /** Whether a plugin runs. */
    public enum State {
        /** Started; its routes, sockets and page are mounted. */
        STARTED,
        /** Not loaded or not started: a bad jar, a missing class, a bad or duplicate id, or {@code start} threw. */
        FAILED
    }

    /** @throws NullPointerException if a field is null */
    public PluginStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(state, "state");
        message = message == null ? "" : message;
    }
}
