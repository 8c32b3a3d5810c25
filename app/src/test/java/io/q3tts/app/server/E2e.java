package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A java.net.http client and WAV/JSON checks for the end-to-end tests. */
final class E2e {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Samples per codec frame at 24 kHz (12.5 frames per second). */
    static final int SAMPLES_PER_FRAME = 1920;

    final String base;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    E2e(int port) {
        base = "http://127.0.0.1:" + port;
    }

    HttpResponse<byte[]> send(HttpRequest.Builder b) {
        try {
            return http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    HttpResponse<byte[]> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<byte[]> delete(String path) {
        return send(request(path).DELETE());
    }

    HttpResponse<byte[]> postJson(String path, Map<String, ?> body) {
        return send(jsonRequest(path, body));
    }

    HttpRequest.Builder jsonRequest(String path, Map<String, ?> body) {
        try {
            return request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param fields text fields; {@code byte[]} values become WAV file parts named after the field */
    HttpResponse<byte[]> postMultipart(String path, Map<String, Object> fields) {
        String boundary = "----q3ttsE2eBoundary";
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
        return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));
    }

    /** Opens a streamed response and returns once its headers arrived (the job was admitted). */
    HttpResponse<InputStream> openStream(String path, Map<String, ?> body) {
        try {
            return http.send(jsonRequest(path, body).build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Map<String, Object> json(HttpResponse<byte[]> r) {
        return json(r.body());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(byte[] body) {
        try {
            return JSON.readValue(body, Map.class);
        } catch (IOException e) {
            throw new AssertionError("not a JSON object: " + new String(body, StandardCharsets.UTF_8), e);
        }
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /**
     * Checks a 16-bit mono WAV and returns its sample count.
     *
     * @param wav the file's bytes
     * @param maxFrames the most codec frames the request allowed
     * @return the number of samples
     */
    static int assertWav(byte[] wav, int maxFrames) {
        assertTrue(wav.length > 44, "a WAV file, got " + wav.length + " bytes");
        assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
        assertEquals("WAVE", new String(wav, 8, 4, StandardCharsets.US_ASCII));
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(wav.length - 8, b.getInt(4), "RIFF size");
        assertEquals(1, b.getShort(22), "mono");
        assertEquals(24_000, b.getInt(24), "sample rate");
        assertEquals(16, b.getShort(34), "bits per sample");
        assertEquals("data", new String(wav, 36, 4, StandardCharsets.US_ASCII));
        int data = b.getInt(40);
        assertEquals(wav.length - 44, data, "data size");
        int samples = data / 2;
        assertTrue(samples > 0 && samples <= maxFrames * SAMPLES_PER_FRAME,
                samples + " samples for at most " + maxFrames + " frames");
        assertEquals(0, samples % SAMPLES_PER_FRAME, "whole codec frames: " + samples);
        return samples;
    }

    /** @return every file under the folder, relative, sorted (empty if missing) */
    static List<String> tree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a 16-bit mono 24 kHz WAV of silence this many seconds long */
    static byte[] silenceWav(double seconds) {
        int samples = (int) Math.round(seconds * 24_000);
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(24_000).putInt(48_000).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
        return b.array();
    }
}
