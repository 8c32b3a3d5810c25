package io.q3tts.adapters.http;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A small java.net.http client for the tests. */
final class Client {

    final String base;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    Client(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<byte[]> send(HttpRequest.Builder b) {
        try {
            return http.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    HttpResponse<byte[]> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    HttpResponse<byte[]> delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    HttpResponse<byte[]> postJson(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<byte[]> method(String method, String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    /** @param fields text fields, and byte[] values as files named after the field */
    HttpResponse<byte[]> postMultipart(String path, Map<String, Object> fields) {
        String boundary = "----q3ttsTestBoundary";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            out.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
            if (e.getValue() instanceof byte[] bytes) {
                out.writeBytes(("Content-Disposition: form-data; name=\"" + e.getKey() + "\"; filename=\"" + e.getKey()
                        + ".wav\"\r\nContent-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                out.writeBytes(bytes);
            } else {
                out.writeBytes(("Content-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n" + e.getValue())
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(HttpResponse<byte[]> r) {
        return (Map<String, Object>) Json.parse(r.body(), "response");
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** @return a valid tiny WAV file (0.5 s of silence) */
    static byte[] wav() {
        return FakeCore.encode(new float[12_000], io.q3tts.ports.model.AudioFormat.WAV).bytes();
    }
}
