package io.q3tts.adapters.http;

import io.q3tts.ports.web.HttpMethod;
import io.q3tts.ports.web.WebResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/v1/openapi.json}: the hand-written OpenAPI 3 document of the core API
 * ({@code openapi.json} beside this class; a test keeps it in step with the mounted routes), plus
 * an entry for each plugin route, added from its {@code RouteSpec} summary.
 */
final class OpenApiRoute {

    static final String PATH = "/api/v1/openapi.json";
    static final String RESOURCE = "openapi.json";

    private OpenApiRoute() {
    }

    /** @return the document as shipped, parsed */
    @SuppressWarnings("unchecked")
    static Map<String, Object> document() {
        try (InputStream in = OpenApiRoute.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return (Map<String, Object>) Json.parse(in.readAllBytes(), "openapi");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Route route(List<Route> pluginRoutes, List<Route.Socket> pluginSockets) {
        Map<String, Object> doc = document();
        Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
        for (Route r : pluginRoutes) {
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(r.path(), k -> new LinkedHashMap<>());
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("summary", r.summary());
            op.put("tags", List.of("plugins"));
            op.put("responses", Map.of("default", Map.of("description", "Defined by the plugin")));
            item.put(r.method().name().toLowerCase(Locale.ROOT), op);
        }
        for (Route.Socket s : pluginSockets) {
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(s.path(), k -> new LinkedHashMap<>());
            item.put("get", Map.of("summary", "WebSocket: " + s.summary(), "tags", List.of("plugins"),
                    "responses", Map.of("101", Map.of("description", "Switching protocols"))));
        }
        byte[] bytes = Json.bytes(doc);
        return Route.core(HttpMethod.GET, PATH, "This OpenAPI 3 document",
                r -> WebResponse.bytes("application/json", bytes));
    }
}
