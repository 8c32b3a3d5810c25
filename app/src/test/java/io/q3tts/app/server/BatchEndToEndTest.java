package io.q3tts.app.server;

import static io.q3tts.app.server.E2e.assertWav;
import static io.q3tts.app.server.E2e.json;
import static io.q3tts.app.server.E2e.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.app.config.ConfigLoader;
import io.q3tts.app.config.Q3ttsConfig;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batching through the real server on the demo bundles: the batch routes, and a bounded loopback
 * load of 50 concurrent {@code /v1/audio/speech} clients at {@code max_batch} 1 and 8.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BatchEndToEndTest {

    private static final int CLIENTS = 50;
    private static final int FRAMES = 4;

    @TempDir
    Path dir;

    /** A server like the shared end-to-end one, with the given batch limit and queue. */
    private Q3ttsServer start(Path base, int maxBatch, int queue) {
        return start(base, maxBatch, queue, Map.of());
    }

    private Q3ttsServer start(Path base, int maxBatch, int queue, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("MODELS_DIR", ServerEndToEndTest.repo().resolve("models").toString());
        env.put("VOICES_DIR", base.resolve("voices").toString());
        env.put("OUTPUTS_DIR", base.resolve("outputs").toString());
        env.put("PLUGINS_DIR", base.resolve("plugins").toString());
        env.put("Q3TTS_ENGINE_DEVICE", "cpu");
        env.put("Q3TTS_SCHEDULER_GPU_SLOTS", "1");
        env.put("Q3TTS_SCHEDULER_QUEUE_CAPACITY", Integer.toString(queue));
        env.put("Q3TTS_SCHEDULER_MAX_BATCH", Integer.toString(maxBatch));
        env.put("Q3TTS_GENERATION_RUNAWAY_GUARD", "false");
        env.putAll(extra);
        Q3ttsConfig config = new ConfigLoader(base, env).load().config();
        return Q3ttsServer.start(ServerEndToEndTest.settings(config), DrivenPorts.onDisk(config.paths()));
    }

    @Test
    void theFixedSizeKvTalkerSpeaksTheSameBytesAsTheDefaultPath() throws Exception {
        List<Map<String, Object>> items = List.of(Map.of("input", "A short line.", "seed", 5),
                Map.of("input", "And a somewhat longer second line of the batch.", "seed", 6));
        Map<String, Object> body = Map.of("model", "demo-custom-voice", "voice", "ryan", "response_format", "wav",
                "max_new_tokens", 8, "items", items);
        List<byte[]> audio = new ArrayList<>();
        for (Map<String, String> extra : List.of(Map.<String, String>of(), Map.of("Q3TTS_ENGINE_STATIC_KV", "true"))) {
            Path base = dir.resolve(extra.isEmpty() ? "default" : "static");
            try (Q3ttsServer server = start(base, 8, 16, extra)) {
                HttpResponse<byte[]> r = new E2e(server.port()).postJson("/v1/audio/speech/batch", body);
                assertEquals(200, r.statusCode(), () -> text(r));
                for (Map<String, Object> item : results(r)) {
                    audio.add(Base64.getDecoder().decode((String) item.get("audio_data")));
                }
            }
        }
        assertEquals(4, audio.size());
        for (int i = 0; i < 2; i++) {
            assertWav(audio.get(i + 2), 8);
            assertTrue(java.util.Arrays.equals(audio.get(i), audio.get(i + 2)), "item " + i + ": identical WAV bytes");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(HttpResponse<byte[]> r) {
        return (List<Map<String, Object>>) json(r).get("results");
    }

    @Test
    void theBatchRoutesSpeakEveryItemAndNameABadItem() throws Exception {
        try (Q3ttsServer server = start(dir, 8, 16)) {
            E2e client = new E2e(server.port());
            List<Map<String, Object>> items = List.of(
                    Map.of("input", "First line of the batch."),
                    Map.of("input", "Second, a little longer line of the batch.", "seed", 11),
                    Map.of("input", "Third.", "response_format", "pcm", "max_new_tokens", 4));
            HttpResponse<byte[]> r = client.postJson("/v1/audio/speech/batch", Map.of("model", "demo-custom-voice",
                    "voice", "ryan", "response_format", "wav", "max_new_tokens", 8, "items", items));
            assertEquals(200, r.statusCode(), () -> text(r));
            List<Map<String, Object>> results = results(r);
            assertEquals(3, results.size());
            assertEquals(3, ((Number) json(r).get("succeeded")).intValue());
            assertWav(Base64.getDecoder().decode((String) results.get(0).get("audio_data")), 8);
            assertWav(Base64.getDecoder().decode((String) results.get(1).get("audio_data")), 8);
            byte[] pcm = Base64.getDecoder().decode((String) results.get(2).get("audio_data"));
            assertEquals("audio/pcm", results.get(2).get("media_type"));
            assertTrue(pcm.length > 0 && pcm.length <= 4 * E2e.SAMPLES_PER_FRAME * 2, pcm.length + " bytes");
            assertEquals(200, client.get("/api/v1/outputs/" + results.get(1).get("output_id")).statusCode());

            HttpResponse<byte[]> bad = client.postJson("/v1/audio/speech/batch", Map.of("model", "demo-custom-voice",
                    "max_new_tokens", 8, "items", List.of(Map.of("input", "Fine.", "voice", "ryan"),
                            Map.of("input", "Who?", "voice", "nobody-at-all"))));
            assertEquals(400, bad.statusCode(), () -> text(bad));
            @SuppressWarnings("unchecked")
            Map<String, Object> error = (Map<String, Object>) json(bad).get("error");
            assertEquals("items[1].voice", error.get("param"), () -> text(bad));

            HttpResponse<byte[]> rest = client.postJson("/api/v1/tts/custom-voice/batch", Map.of("model", "demo-custom-voice",
                    "voice", "ryan", "max_new_tokens", 8, "zip", true,
                    "items", List.of(Map.of("input", "One."), Map.of("input", "Two.", "seed", 3))));
            assertEquals(200, rest.statusCode(), () -> text(rest));
            List<String> names = new ArrayList<>();
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(rest.body()))) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    names.add(e.getName());
                    if (e.getName().endsWith(".wav")) {
                        assertWav(in.readAllBytes(), 8);
                    }
                }
            }
            assertEquals(List.of("000.wav", "001.wav", "results.json"), names);
        }
    }

    /** The counts of one load run. */
    record Load(int ok, int busy, int other, long millis) {
    }

    /**
     * 50 clients at once, one request each: every request is answered (200 with a WAV, or 429 with
     * Retry-After), none with a 5xx or lost, and the queue is empty afterwards.
     */
    private Load load(int maxBatch, Path base) throws Exception {
        try (Q3ttsServer server = start(base, maxBatch, 16);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            E2e client = new E2e(server.port());
            HttpResponse<byte[]> warm = client.postJson("/v1/audio/speech", Map.of("model", "demo-custom-voice",
                    "input", "Warm up.", "voice", "ryan", "response_format", "wav", "max_new_tokens", 4));
            assertEquals(200, warm.statusCode(), () -> text(warm));
            List<Future<HttpResponse<byte[]>>> calls = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < CLIENTS; i++) {
                Map<String, Object> body = Map.of("model", "demo-custom-voice", "input", "Client " + i + " says hello.",
                        "voice", i % 2 == 0 ? "ryan" : "vivian", "response_format", "wav", "max_new_tokens", FRAMES, "seed", i);
                calls.add(pool.submit(() -> client.postJson("/v1/audio/speech", body)));
            }
            int ok = 0;
            int busy = 0;
            int other = 0;
            for (Future<HttpResponse<byte[]>> f : calls) {
                HttpResponse<byte[]> r = f.get(90, TimeUnit.SECONDS);
                if (r.statusCode() == 200) {
                    assertWav(r.body(), FRAMES);
                    ok++;
                } else if (r.statusCode() == 429) {
                    int retry = Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow());
                    assertTrue(retry >= 1, "Retry-After " + retry);
                    busy++;
                } else {
                    other++;
                }
            }
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            @SuppressWarnings("unchecked")
            Map<String, Object> queue = (Map<String, Object>) json(client.get("/api/v1/health")).get("queue");
            assertEquals(0, ((Number) queue.get("gpu_queued")).intValue(), () -> "queue left: " + queue);
            return new Load(ok, busy, other, millis);
        }
    }

    @Test
    void fiftyConcurrentSpeechClientsAreAllAnsweredAtBatchOneAndEight() throws Exception {
        Load single = load(1, dir.resolve("one"));
        Load batched = load(8, dir.resolve("eight"));
        for (Load l : List.of(single, batched)) {
            assertEquals(0, l.other(), "no 5xx and nothing but 200 or 429: " + l);
            assertEquals(CLIENTS, l.ok() + l.busy(), "every client got an answer: " + l);
        }
        // One running + 16 waiting at max_batch 1; up to 8 rows + 16 waiting at max_batch 8 (the demo bundles batch).
        assertTrue(batched.ok() > single.ok() && batched.busy() < single.busy(),
                "batching admits more of a burst: " + single + " at max_batch 1, " + batched + " at 8");
        System.out.printf(Locale.ROOT, "load %d clients x %d frames on demo-custom-voice: max_batch 1: %d x 200, %d x 429, %d ms;"
                + " max_batch 8: %d x 200, %d x 429, %d ms%n", CLIENTS, FRAMES, single.ok(), single.busy(), single.millis(),
                batched.ok(), batched.busy(), batched.millis());
    }
}
