package io.q3tts.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code http.cors_origins}: listed origins may call the API from a browser, others keep the same-origin rule. */
class CorsTest {

    private static final String UI = "http://127.0.0.1:8421";
    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpServer server, String method, String path, String origin, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (origin != null) {
            b.header("Origin", origin);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpServer server(List<String> origins) {
        return new HttpServer(new FakeCore(), List.of(), HttpServerConfig.defaults().withPort(0).withCorsOrigins(origins)).start();
    }

    @Test
    void aListedOriginMayReadAnswersErrorsIncluded() throws Exception {
        try (HttpServer server = server(List.of(UI + "/"))) {
            HttpResponse<String> ok = send(server, "GET", "/api/v1/models", UI);
            assertEquals(200, ok.statusCode());
            assertEquals(UI, ok.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertTrue(ok.headers().allValues("Vary").contains("Origin"), ok.headers().map().toString());
            assertTrue(ok.headers().firstValue("Access-Control-Expose-Headers").orElse("").contains("X-Q3tts-Output-Id"));

            HttpResponse<String> missing = send(server, "GET", "/api/v1/outputs/nothing-here", UI);
            assertEquals(404, missing.statusCode());
            assertTrue(missing.body().contains("\"errorType\":\"NOT_FOUND\""), missing.body());
            assertEquals(UI, missing.headers().firstValue("Access-Control-Allow-Origin").orElse(null),
                    "an error body stays readable for the page");
        }
    }

    @Test
    void aPreflightIsAnsweredForAListedOriginOnly() throws Exception {
        try (HttpServer server = server(List.of(UI))) {
            HttpResponse<String> pre = send(server, "OPTIONS", "/api/v1/tts/custom-voice", UI,
                    "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
            assertEquals(204, pre.statusCode());
            assertEquals(UI, pre.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertTrue(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
            assertEquals("content-type", pre.headers().firstValue("Access-Control-Allow-Headers").orElse(null));

            HttpResponse<String> other = send(server, "OPTIONS", "/api/v1/tts/custom-voice", "http://evil.example",
                    "Access-Control-Request-Method", "POST");
            assertFalse(other.headers().firstValue("Access-Control-Allow-Origin").isPresent());
            HttpResponse<String> otherGet = send(server, "GET", "/api/v1/models", "http://evil.example");
            assertEquals(200, otherGet.statusCode(), "served as before; only the browser withholds it");
            assertFalse(otherGet.headers().firstValue("Access-Control-Allow-Origin").isPresent());
            assertFalse(send(server, "GET", "/api/v1/models", "null").headers()
                    .firstValue("Access-Control-Allow-Origin").isPresent(), "the opaque origin is never allowed");
        }
    }

    @Test
    void byDefaultNoOriginIsAllowed() throws Exception {
        try (HttpServer server = server(List.of())) {
            HttpResponse<String> r = send(server, "GET", "/api/v1/models", UI);
            assertEquals(200, r.statusCode());
            assertFalse(r.headers().firstValue("Access-Control-Allow-Origin").isPresent());
            HttpResponse<String> pre = send(server, "OPTIONS", "/api/v1/models", UI, "Access-Control-Request-Method", "GET");
            assertFalse(pre.headers().firstValue("Access-Control-Allow-Origin").isPresent());
        }
    }

    @Test
    void aWildcardAllowsAnyOrigin() throws Exception {
        try (HttpServer server = server(List.of("*"))) {
            HttpResponse<String> r = send(server, "GET", "/api/v1/models", "https://anywhere.example");
            assertEquals("https://anywhere.example", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        }
    }

    @Test
    void originsMatchIgnoringCaseAndDefaultPorts() {
        Cors cors = new Cors(List.of("HTTP://UI.example:80", "https://secure.example:443"));
        assertTrue(cors.allowed("http://ui.example"));
        assertTrue(cors.allowed("https://secure.example"));
        assertFalse(cors.allowed("http://ui.example:8080"));
        assertFalse(cors.allowed("https://ui.example"));
    }

    /** Opens a socket with the given Origin; returns the first text frame, or "open" if none came and it stayed open. */
    private String socket(HttpServer server, String origin) throws Exception {
        java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket.Builder b = client.newWebSocketBuilder();
        if (origin != null) {
            b.header("Origin", origin);
        }
        java.net.http.WebSocket ws;
        try {
            ws = b.buildAsync(URI.create("ws://127.0.0.1:" + server.port() + HttpServer.STREAM_PATH),
                new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence d, boolean last) {
                        first.complete(d.toString());
                        return null;
                    }

                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
                        first.complete("closed " + code);
                        return null;
                    }
                }).get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // Refused at the upgrade (the access guard): the handshake's status is the answer.
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
                return "refused " + h.getResponse().statusCode();
            }
            throw e;
        }
        try {
            return first.get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return "open";
        } finally {
            ws.abort();
        }
    }

    @Test
    void aForeignPageCannotOpenTheSocketsButClientsTheServersOwnPagesAndListedOriginsCan() throws Exception {
        try (HttpServer server = server(List.of(UI))) {
            String refused = socket(server, "https://evil.example");
            assertTrue(refused.startsWith("refused 403"), "refused at the upgrade (AccessGuardTest reads the body): " + refused);
            assertEquals("open", socket(server, null), "a client that is not a browser sends no Origin");
            assertEquals("open", socket(server, "http://127.0.0.1:" + server.port()), "the server's own pages");
            assertEquals("open", socket(server, UI), "a listed origin (remote UI)");
            assertTrue(socket(server, "null").startsWith("refused 403"), "sandboxed frames name no one");
        }
    }
}
