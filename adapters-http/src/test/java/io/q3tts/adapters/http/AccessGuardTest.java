package io.q3tts.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.web.RouteSpec;
import io.q3tts.ports.web.SocketConnection;
import io.q3tts.ports.web.SocketSession;
import io.q3tts.ports.web.SocketSpec;
import io.q3tts.ports.web.WebResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The access guard through a real server: the Host allowlist (DNS rebinding), the cross-site
 * checks and API keys, on core, OpenAI, plugin and web-page routes and on WebSockets alike.
 */
class AccessGuardTest {

    private static final String EVIL = "http://evil.example";
    private static final String KEY = "k-0123456789abcdef";

    private static HttpServer server(AccessConfig access, List<String> origins) {
        PluginRoutes plugin = new PluginRoutes("echo", List.of(RouteSpec.post("/do", r -> WebResponse.json(Map.of("done", true)))),
                List.of(new SocketSpec("/ws", (SocketConnection c, io.q3tts.ports.web.WebRequest u) -> new SocketSession() {
                }, "echo")));
        List<RouteSpec> pages = List.of(RouteSpec.get("/", r -> WebResponse.html("<p>home</p>")),
                RouteSpec.get("/ui/{file}", r -> WebResponse.bytes("text/css", new byte[] {'x'})));
        return new HttpServer(new FakeCore(), List.of(plugin), pages,
                HttpServerConfig.defaults().withPort(0).withCorsOrigins(origins).withAccess(access)).start();
    }

    private static RawHttp.Response get(HttpServer s, String path, Map<String, String> headers) {
        return RawHttp.send(s.port(), "GET", path, headers, null);
    }

    private static RawHttp.Response post(HttpServer s, String path, Map<String, String> headers, String body) {
        return RawHttp.send(s.port(), "POST", path, headers, body);
    }

    @Test
    void aRebindingPageIsRefusedOnEveryKindOfRoute() {
        try (HttpServer s = server(AccessConfig.defaults(), List.of())) {
            Map<String, String> evilHost = Map.of("Host", "evil.example:" + s.port());
            for (String path : List.of("/api/v1/outputs", "/api/v1/voices", "/v1/models", "/", "/ui/app.css",
                    "/api/v1/openapi.json", "/no/such/route")) {
                RawHttp.Response r = get(s, path, evilHost);
                assertEquals(403, r.status(), path + ": " + r.body());
                assertTrue(r.body().contains("http.allowed_hosts") && r.body().contains("Q3TTS_HTTP_ALLOWED_HOSTS"),
                        "says how to allow the name: " + r.body());
                assertTrue(r.header("content-type").startsWith("application/json"), path);
            }
            assertTrue(get(s, "/v1/models", evilHost).body().startsWith("{\"error\":{\"message\""), "OpenAI shape on /v1");
            RawHttp.Response ws = get(s, HttpServer.STREAM_PATH, RawHttp.upgrade(Map.of("Host", "evil.example:" + s.port(),
                    "Origin", "http://evil.example:" + s.port())));
            assertEquals(403, ws.status(), "a socket whose Host and Origin agree is still refused: " + ws.body());
            RawHttp.Response pluginWs = get(s, "/plugins/echo/ws", RawHttp.upgrade(Map.of("Host", "evil.example")));
            assertEquals(403, pluginWs.status(), pluginWs.body());
            RawHttp.Response job = post(s, "/api/v1/jobs", Map.of("Host", "evil.example", "Content-Type", "application/json"),
                    "{\"task\":\"custom_voice\",\"input\":\"hi\",\"voice\":\"ryan\"}");
            assertEquals(403, job.status(), job.body());
        }
    }

    @Test
    void loopbackNamesIpLiteralsAndConfiguredNamesAreServed() {
        try (HttpServer s = server(new AccessConfig(List.of("gpu-box", ".lan.example"), List.of(), false), List.of())) {
            for (String host : List.of("127.0.0.1", "localhost", "LOCALHOST.", "app.localhost", "[::1]", "10.1.2.3",
                    "gpu-box", "lan.example", "tts.lan.example")) {
                RawHttp.Response r = get(s, "/api/v1/models", Map.of("Host", host + ":" + s.port()));
                assertEquals(200, r.status(), host + ": " + r.body());
            }
            assertEquals(403, get(s, "/api/v1/models", Map.of("Host", "evil-lan.example")).status());
            assertEquals(403, get(s, "/api/v1/models", Map.of("Host", "gpu-box.evil.example")).status());
        }
        try (HttpServer s = server(new AccessConfig(List.of("*"), List.of(), false), List.of())) {
            assertEquals(200, get(s, "/api/v1/models", Map.of("Host", "anything.example")).status(), "* allows any name");
        }
    }

    @Test
    void simpleCrossSiteRequestsHaveNoEffect() {
        try (HttpServer s = server(AccessConfig.defaults(), List.of())) {
            Map<String, String> textPlain = Map.of("Origin", EVIL, "Content-Type", "text/plain");
            for (String path : List.of("/api/v1/tts/custom-voice?input=hi&voice=ryan", "/api/v1/jobs",
                    "/api/v1/models/demo-custom-voice/unload", "/api/v1/models/demo-custom-voice/load", "/api/v1/voices",
                    "/plugins/echo/do", "/v1/audio/speech")) {
                RawHttp.Response r = post(s, path, textPlain, "x");
                assertEquals(403, r.status(), path + ": " + r.body());
                assertTrue(r.body().contains("http.cors_origins"), r.body());
            }
            RawHttp.Response form = post(s, "/api/v1/voices", Map.of("Origin", EVIL,
                    "Content-Type", "multipart/form-data; boundary=b"), "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--b--\r\n");
            assertEquals(403, form.status(), form.body());
            RawHttp.Response del = RawHttp.send(s.port(), "DELETE", "/api/v1/outputs/x", Map.of("Origin", EVIL), null);
            assertEquals(403, del.status());
            RawHttp.Response noOrigin = post(s, "/api/v1/models/demo-custom-voice/unload",
                    Map.of("Sec-Fetch-Site", "cross-site"), "");
            assertEquals(403, noOrigin.status(), "Sec-Fetch-Site without Origin: " + noOrigin.body());
            assertEquals(403, post(s, "/plugins/echo/do", Map.of("Origin", "null"), "").status(), "a sandboxed page");
            RawHttp.Response ws = get(s, HttpServer.STREAM_PATH, RawHttp.upgrade(Map.of("Origin", EVIL)));
            assertEquals(403, ws.status(), ws.body());

            // The server's own pages, and clients that are not browsers, go on as before.
            RawHttp.Response own = post(s, "/plugins/echo/do", Map.of("Origin", "http://127.0.0.1:" + s.port(),
                    "Sec-Fetch-Site", "same-origin"), "");
            assertEquals(200, own.status(), own.body());
            assertEquals(200, post(s, "/plugins/echo/do", Map.of("Origin", "http://localhost:" + s.port(),
                    "Host", "localhost:" + s.port()), "").status());
            assertEquals(200, post(s, "/api/v1/models/demo-custom-voice/unload", Map.of(), "").status(), "curl");
            assertEquals(200, post(s, "/plugins/echo/do", Map.of("Sec-Fetch-Site", "none"), "").status(), "typed URL");
            assertEquals(101, get(s, HttpServer.STREAM_PATH, RawHttp.upgrade(Map.of("Origin", "http://127.0.0.1:" + s.port())))
                    .status(), "the own page's socket");
            assertEquals(101, get(s, HttpServer.STREAM_PATH, RawHttp.upgrade(Map.of())).status(), "a non-browser socket");
            assertEquals(200, get(s, "/api/v1/models", Map.of("Origin", EVIL)).status(),
                    "reads are left to the browser's same-origin rule");
        }
    }

    @Test
    void listedOriginsMayCallRemoteMode() {
        String ui = "http://127.0.0.1:8421";
        try (HttpServer s = server(AccessConfig.defaults(), List.of(ui))) {
            RawHttp.Response pre = RawHttp.send(s.port(), "OPTIONS", "/api/v1/jobs", Map.of("Origin", ui,
                    "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"), null);
            assertEquals(204, pre.status());
            RawHttp.Response r = post(s, "/plugins/echo/do", Map.of("Origin", ui, "Sec-Fetch-Site", "same-site"), "");
            assertEquals(200, r.status(), r.body());
            assertEquals(ui, r.header("access-control-allow-origin"));
            assertEquals(101, get(s, "/plugins/echo/ws", RawHttp.upgrade(Map.of("Origin", ui))).status());
            assertEquals(403, post(s, "/plugins/echo/do", Map.of("Origin", "http://127.0.0.1:9999"), "").status());
        }
    }

    @Test
    void withKeysEveryRouteNeedsOne() {
        try (HttpServer s = server(new AccessConfig(List.of(), List.of("other-key", KEY), false), List.of())) {
            for (String path : List.of("/api/v1/outputs", "/v1/models", "/api/v1/openapi.json", "/")) {
                RawHttp.Response r = get(s, path, Map.of());
                assertEquals(401, r.status(), path);
                assertEquals("Bearer", r.header("www-authenticate"));
            }
            assertTrue(get(s, "/v1/models", Map.of()).body().contains("\"type\":\"unauthorized\""));
            assertEquals(401, get(s, "/api/v1/outputs", Map.of("Authorization", "Bearer wrong")).status());
            assertEquals(401, get(s, "/api/v1/outputs?access_token=" + KEY.substring(1), Map.of()).status());
            assertEquals(200, get(s, "/api/v1/outputs", Map.of("Authorization", "Bearer " + KEY)).status());
            assertEquals(200, get(s, "/v1/models", Map.of("Authorization", "bearer other-key")).status());
            assertEquals(200, get(s, "/api/v1/outputs?access_token=" + KEY, Map.of()).status());
            RawHttp.Response health = get(s, "/api/v1/health", Map.of("Authorization", "Bearer " + KEY));
            assertTrue(health.body().contains("\"api_keys\":true"), "health says keys are needed: " + health.body());
            assertTrue(!health.body().contains(KEY) && !health.body().contains("other-key"), "but never which");
            assertEquals(200, get(s, "/ui/app.css", Map.of()).status(), "scripts and styles need no key");
            assertEquals(401, get(s, HttpServer.STREAM_PATH, RawHttp.upgrade(Map.of())).status());
            assertEquals(101, get(s, HttpServer.STREAM_PATH + "?access_token=" + KEY, RawHttp.upgrade(Map.of())).status());

            RawHttp.Response page = get(s, "/", Map.of("Accept", "text/html,application/xhtml+xml"));
            assertEquals(401, page.status());
            assertTrue(page.body().contains("API key") && page.body().contains("/api/v1/auth/session"), page.body());

            assertEquals(401, post(s, AccessGuard.SESSION_PATH, Map.of("Authorization", "Bearer nope"), "").status());
            RawHttp.Response login = post(s, AccessGuard.SESSION_PATH, Map.of("Authorization", "Bearer " + KEY,
                    "Origin", "http://127.0.0.1:" + s.port()), "");
            assertEquals(204, login.status(), login.body());
            String cookie = login.header("set-cookie");
            assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
            assertTrue(!cookie.contains(KEY), "the cookie is not the key");
            String pair = cookie.substring(0, cookie.indexOf(';'));
            assertEquals(200, get(s, "/", Map.of("Cookie", pair)).status());
            assertEquals(101, get(s, HttpServer.STREAM_PATH, RawHttp.upgrade(Map.of("Cookie", pair))).status());
            assertEquals(403, post(s, "/plugins/echo/do", Map.of("Cookie", pair, "Origin", EVIL), "").status(),
                    "the cookie does not help another site");
            assertEquals(204, RawHttp.send(s.port(), "DELETE", AccessGuard.SESSION_PATH, Map.of("Cookie", pair), null).status());
            assertEquals(401, get(s, "/api/v1/outputs", Map.of("Cookie", pair)).status(), "signed out");
        }
    }

    @Test
    void aNonLoopbackBindNeedsKeysOrAnExplicitOptOut() {
        HttpServerConfig open = HttpServerConfig.defaults().withPort(0).withHost("0.0.0.0");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new HttpServer(new FakeCore(), List.of(), open).start());
        assertTrue(e.getMessage().contains("auth.api_keys") && e.getMessage().contains("auth.allow_unauthenticated_remote"),
                e.getMessage());
        try (HttpServer s = new HttpServer(new FakeCore(), List.of(),
                open.withAccess(new AccessConfig(List.of(), List.of(), true))).start()) {
            assertNotEquals(0, s.port());
        }
        try (HttpServer s = new HttpServer(new FakeCore(), List.of(),
                open.withAccess(new AccessConfig(List.of(), List.of(KEY), false))).start()) {
            assertEquals(401, get(s, "/api/v1/outputs", Map.of()).status());
        }
        assertTrue(!new AccessConfig(List.of(), List.of(KEY), false).toString().contains(KEY), "keys are never printed");
    }
}
