package io.q3tts.ports.plugin;

import java.util.Objects;

/**
 * A plugin page's entry in the UI navigation.
 *
 * @param label the link text, not blank
 * @param path the page URL relative to the plugin mount ({@code /plugins/<id>}), e.g. {@code "/"}; starts with {@code /}
 * @param icon a short icon name from the UI's icon set (e.g. {@code "mic"}), or null
 */
public record NavEntry(String label, String path, String icon) {

    /** @throws IllegalArgumentException on a blank label or a path without a leading slash */
    public NavEntry {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("label must not be blank");
        }
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
    }
}
