package io.q3tts.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.WebResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Root routes (the web UI's pages): served at their own path, kept out of the API listing, never shadowing the API. */
class RootRoutesTest {

    @Test
    void servesRootRoutesBesideTheApi() throws Exception {
        List<RouteSpec> ui = List.of(RouteSpec.get("/", r -> WebResponse.html("<h1>home</h1>")),
                RouteSpec.get("/ui/{file}", r -> WebResponse.bytes("text/css", r.pathParam("file").getBytes())));
        try (HttpServer server = new HttpServer(new FakeCore(), List.of(), ui, HttpServerConfig.defaults().withPort(0)).start()) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> home = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, home.statusCode());
            assertEquals("<h1>home</h1>", home.body());
            assertTrue(home.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            HttpResponse<String> css = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/ui/app.css")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("app.css", css.body());
            assertFalse(server.routeKeys().contains("GET /"), "pages are not API endpoints");
        }
    }

    @Test
    void refusesARootRouteThatShadowsTheApi() {
        List<RouteSpec> clash = List.of(RouteSpec.get("/api/v1/health", r -> WebResponse.noContent()));
        assertThrows(IllegalArgumentException.class,
                () -> new HttpServer(new FakeCore(), List.of(), clash, HttpServerConfig.defaults().withPort(0)));
    }
}
