package io.q3tts.adapters.http;

import io.q3tts.ports.web.HttpMethod;
import io.q3tts.ports.web.SocketHandler;
import io.q3tts.ports.web.WebHandler;
import java.util.Objects;

/**
 * One mounted HTTP route, core or plugin: the neutral handler plus the error shape it answers in.
 *
 * @param method the method
 * @param path the full path, placeholders as {@code {name}}
 * @param handler the handler
 * @param summary one line for the route list
 * @param style the error body shape
 */
record Route(HttpMethod method, String path, WebHandler handler, String summary, ErrorMapping.Style style) {

    Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(style, "style");
    }

    static Route core(HttpMethod method, String path, String summary, WebHandler handler) {
        return new Route(method, path, handler, summary, ErrorMapping.Style.CORE);
    }

    static Route openAi(HttpMethod method, String path, String summary, WebHandler handler) {
        return new Route(method, path, handler, summary, ErrorMapping.Style.OPENAI);
    }

    /** @return e.g. {@code "GET /api/v1/jobs/{id}"} */
    String key() {
        return method + " " + path;
    }

    /**
     * One mounted WebSocket.
     *
     * @param path the full path
     * @param handler accepts connections
     * @param summary one line
     */
    record Socket(String path, SocketHandler handler, String summary) {

        Socket {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(handler, "handler");
        }

        /** @return e.g. {@code "WS /api/v1/stream"} */
        String key() {
            return "WS " + path;
        }
    }
}
