package io.q3tts.ports.web;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One HTTP route a plugin contributes.
 *
 * <p>{@code path} is relative to the plugin's mount point: the HTTP adapter serves it at
 * {@code /plugins/<pluginId><path>} (so plugins cannot shadow core routes or each other).
 * Placeholders are written {@code {name}} and arrive in {@link WebRequest#pathParams()}.
 *
 * @param method the method, never null
 * @param path starts with {@code /}; segments of {@code [A-Za-z0-9._~-]} (not {@code .} or {@code ..}) or
 *     {@code {name}}; {@code "/"} is the plugin root
 * @param handler the handler, never null
 * @param summary one line for route listings and API docs, never null
 */
public record RouteSpec(HttpMethod method, String path, WebHandler handler, String summary) {

    private static final Pattern PATH = Pattern.compile("/|(/([A-Za-z0-9._~-]+|\\{[A-Za-z][A-Za-z0-9_]*}))+");

    /** @throws IllegalArgumentException if the path is malformed */
    public RouteSpec {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(handler, "handler");
        if (path == null || !PATH.matcher(path).matches() || path.contains("/./") || path.contains("/../")
                || path.endsWith("/.") || path.endsWith("/..")) {
            throw new IllegalArgumentException("route path must look like /a/{id}/b, got: " + path);
        }
        summary = summary == null ? "" : summary;
    }

    /**
     * @param path see the record component
     * @param handler the handler
     * @return a GET route
     */
    public static RouteSpec get(String path, WebHandler handler) {
        return new RouteSpec(HttpMethod.GET, path, handler, "");
    }

    /**
     * @param path see the record component
     * @param handler the handler
     * @return a POST route
     */
    public static RouteSpec post(String path, WebHandler handler) {
        return new RouteSpec(HttpMethod.POST, path, handler, "");
    }

    /**
     * @param path see the record component
     * @param handler the handler
     * @return a DELETE route
     */
    public static RouteSpec delete(String path, WebHandler handler) {
        return new RouteSpec(HttpMethod.DELETE, path, handler, "");
    }

    /**
     * @param text one line
     * @return a copy with that summary
     */
    public RouteSpec withSummary(String text) {
        return new RouteSpec(method, path, handler, text);
    }
}
