package io.q3tts.ports.web;

import java.util.Objects;

/**
 * A WebSocket endpoint a plugin contributes, mounted like a {@link RouteSpec}: at
 * {@code /plugins/<pluginId><path>}.
 *
 * @param path as in {@link RouteSpec#path()}
 * @param handler accepts connections, never null
 * @param summary one line for listings, never null
 */
public record SocketSpec(String path, SocketHandler handler, String summary) {

    /** @throws IllegalArgumentException if the path is malformed */
    public SocketSpec {
        new RouteSpec(HttpMethod.GET, path, r -> WebResponse.noContent(), "");
        Objects.requireNonNull(handler, "handler");
        summary = summary == null ? "" : summary;
    }
}
