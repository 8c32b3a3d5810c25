package io.q3tts.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.app.config.Q3ttsConfig;
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

/**
 * A java.net.http client, WAV/JSON checks and pipeline-job helpers (submit, follow, read the
 * output) for the end-to-end tests.
 */
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

    /**
     * @param base the folder the server keeps its data in (reuse it to restart "the same" server)
     * @return a server on the demo bundles, on a free port
     */
    static Q3ttsServer startServer(Path base) {
        Q3ttsConfig config = ServerEndToEndTest.config(base);
        return Q3ttsServer.start(ServerEndToEndTest.settings(config), DrivenPorts.onDisk(config.paths()));
    }

    /**
     * A server that generates one row per step ({@code scheduler.max_batch} 1), for the resume tests:
     * a resumed run is byte-identical to an uninterrupted one only when every step is generated as it
     * would be alone. A batched row equals its alone run up to float rounding (the left-padded batch
     * changes the reduction lengths), which can flip a seeded draw on the demo bundles' flat scores;
     * docs/pipelines.md says so.
     *
     * @param base the folder the server keeps its data in
     * @return a server on the demo bundles, on a free port, without batching
     */
    static Q3ttsServer startUnbatchedServer(Path base) {
        Q3ttsConfig config = ServerEndToEndTest.config(base, Map.of("Q3TTS_SCHEDULER_MAX_BATCH", "1"));
        return Q3ttsServer.start(ServerEndToEndTest.settings(config), DrivenPorts.onDisk(config.paths()));
    }

    /**
     * @param r a pipeline plugin's answer to a submission
     * @return the admitted pipeline job's id
     */
    static String submitted(HttpResponse<byte[]> r) {
        assertEquals(202, r.statusCode(), () -> text(r));
        Map<String, Object> accepted = json(r);
        assertEquals("pipeline", accepted.get("kind"));
        return (String) accepted.get("job_id");
    }

    /**
     * A pipeline job that a server shutdown cut off part-way.
     *
     * @param job the job's id
     * @param stepsDone the steps it had done when the server stopped
     */
    record CutOff(String job, int stepsDone) {
    }

    /**
     * Starts a server on {@code base}, submits a pipeline job, waits until it has done some steps and
     * shuts the server down, so a test can check what a new server on the same folder resumes.
     *
     * @param base the server's data folder
     * @param path the plugin's submission path, e.g. {@code /plugins/narration/jobs}
     * @param body the JSON submission
     * @param atLeast the steps to wait for
     * @param timeout the longest wait for them
     * @return the job and the steps it had done
     */
    static CutOff submitThenShutDown(Path base, String path, Map<String, ?> body, int atLeast, Duration timeout) {
        try (Q3ttsServer first = startUnbatchedServer(base)) {
            E2e c = new E2e(first.port());
            String job = submitted(c.postJson(path, body));
            return new CutOff(job, c.awaitStepsDone(job, atLeast, timeout));
        }
    }

    /** Polls a job until it ends; returns its last snapshot. */
    Map<String, Object> awaitEnd(String jobId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> job = json(get("/api/v1/jobs/" + jobId));
            if (List.of("done", "failed", "cancelled").contains(job.get("state"))) {
                return job;
            }
            sleep(20);
        }
        throw new AssertionError("job " + jobId + " did not end");
    }

    /**
     * Polls a pipeline job's progress until it has done some steps, so a test can cut it off part-way.
     *
     * @return the steps done when {@code atLeast} was reached or {@code timeout} ran out
     */
    @SuppressWarnings("unchecked")
    int awaitStepsDone(String jobId, int atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Object> p = (Map<String, Object>) json(get("/api/v1/jobs/" + jobId)).get("progress");
            int done = p.get("steps_done") == null ? 0 : ((Number) p.get("steps_done")).intValue();
            if (done >= atLeast || System.nanoTime() > deadline) {
                return done;
            }
            sleep(5);
        }
    }

    /** @return the output a finished pipeline job stored (fails unless the job is done) */
    @SuppressWarnings("unchecked")
    Map<String, Object> output(Map<String, Object> job) {
        assertEquals("done", job.get("state"), () -> "job: " + job);
        String id = (String) ((Map<String, Object>) job.get("result")).get("output_id");
        return json(get("/api/v1/outputs/" + id));
    }

    /** @return one file of an output, by its path in the output */
    @SuppressWarnings("unchecked")
    byte[] file(Map<String, Object> output, String path) {
        for (Map<String, Object> f : (List<Map<String, Object>>) output.get("files")) {
            if (f.get("path").equals(path)) {
                HttpResponse<byte[]> r = get((String) f.get("url"));
                assertEquals(200, r.statusCode(), () -> text(r));
                return r.body();
            }
        }
        throw new AssertionError("no file " + path + " in " + output.get("files"));
    }

    /** @return the server's job list, newest first */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> jobs() {
        return (List<Map<String, Object>>) json(get("/api/v1/jobs?limit=1000")).get("jobs");
    }

    /**
     * Saves a voice in the library from the fixtures' 24 kHz reference clip.
     *
     * @param name the voice's name
     * @return its id
     */
    String saveFixtureVoice(String name) {
        Map<String, Object> voice = new java.util.LinkedHashMap<>();
        voice.put("name", name);
        voice.put("ref_text", "The reference recording says this.");
        try {
            voice.put("audio_sample", Files.readAllBytes(ServerEndToEndTest.repo().resolve("fixtures/clips/ref_24k_mono_f32.wav")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        HttpResponse<byte[]> created = postMultipart("/api/v1/voices", voice);
        assertEquals(201, created.statusCode(), () -> text(created));
        return (String) json(created).get("id");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
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
