package io.q3tts.app.server;

import static io.q3tts.app.server.E2e.assertWav;
import static io.q3tts.app.server.E2e.json;
import static io.q3tts.app.server.E2e.text;
import static io.q3tts.app.server.E2e.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.app.config.ConfigLoader;
import io.q3tts.app.config.Q3ttsConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole platform over HTTP: the real server (configuration mapping, file-system storage, audio
 * codecs, the ONNX engine on the committed demo bundles, the built-in plugins) on an ephemeral port,
 * with temporary voices, outputs and plugins folders, driven by {@code java.net.http} clients.
 *
 * <p>One server is shared: one GPU slot holding one job at a time (no batching: {@code max_batch} 1,
 * so a running job holds the slot alone; batching has its own test, {@code BatchEndToEndTest}) and a
 * queue of one (so a full queue is easy to reach), the
 * runaway guard off (so random weights run to {@code max_new_tokens}, which keeps lengths
 * predictable), a 1 MB upload limit, and progress reported on every frame. Requests ask for few
 * frames; the demo models are tiny.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerEndToEndTest {

    private static final String CUSTOM = "demo-custom-voice";
    private static final String DESIGN = "demo-voice-design";
    private static final String BASE = "demo-base";
    private static final String CODEC = "demo-codec";
    /** Frames of a long job: the most a request may ask for, minutes on the demo models without the runaway guard. */
    private static final int LONG = 8192;

    @TempDir
    static Path dir;

    private static Q3ttsServer server;
    private static E2e client;
    private static Q3ttsConfig config;

    @BeforeAll
    static void start() {
        config = config(dir, Map.of("Q3TTS_SCHEDULER_MAX_BATCH", "1"));
        server = Q3ttsServer.start(settings(config), DrivenPorts.onDisk(config.paths()));
        client = new E2e(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The configuration as the loader builds it from environment overrides (no configs folder in {@code base}). */
    static Q3ttsConfig config(Path base) {
        return config(base, Map.of());
    }

    /** As {@link #config(Path)}, with more environment overrides. */
    static Q3ttsConfig config(Path base, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("MODELS_DIR", repo().resolve("models").toString());
        env.put("VOICES_DIR", base.resolve("voices").toString());
        env.put("OUTPUTS_DIR", base.resolve("outputs").toString());
        env.put("PLUGINS_DIR", base.resolve("plugins").toString());
        env.put("Q3TTS_ENGINE_DEVICE", "cpu");
        env.put("Q3TTS_SCHEDULER_GPU_SLOTS", "1");
        env.put("Q3TTS_SCHEDULER_QUEUE_CAPACITY", "1");
        env.put("Q3TTS_GENERATION_RUNAWAY_GUARD", "false");
        env.put("Q3TTS_LIMITS_UPLOAD_LIMIT_MB", "1");
        env.putAll(extra);
        return new ConfigLoader(base, env).load().config();
    }

    static ServerSettings settings(Q3ttsConfig config) {
        ServerSettings s = ServerSettings.from(config).withPort(0);
        return s.withSynthesizer(s.synthesizer().withProgressInterval(Duration.ZERO));
    }

    static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("app")) ? here : here.getParent();
    }

    private static byte[] referenceClip() throws Exception {
        return Files.readAllBytes(repo().resolve("fixtures/clips/ref_24k_mono_f32.wav"));
    }

    private static Path outputs() {
        return config.paths().outputs();
    }

    private static Path voices() {
        return config.paths().voices();
    }

    /** The audio answer of a synthesis route, checked, with its output folder on disk. */
    private static int assertSpoken(HttpResponse<byte[]> r, int maxFrames) {
        assertEquals(200, r.statusCode(), () -> text(r));
        assertEquals("true", r.headers().firstValue("X-Q3tts-Random-Weights").orElse(null));
        int samples = assertWav(r.body(), maxFrames);
        double duration = Double.parseDouble(r.headers().firstValue("X-Q3tts-Duration").orElseThrow());
        assertEquals(samples / 24_000.0, duration, 0.001);
        String outputId = r.headers().firstValue("X-Q3tts-Output-Id").orElseThrow();
        assertTrue(Files.isRegularFile(outputs().resolve(outputId).resolve("metadata.json")), "metadata.json of " + outputId);
        return samples;
    }

    private static Map<String, Object> speak(String speaker, int frames) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", "Hello from the end-to-end test.");
        m.put("model", CUSTOM);
        m.put("voice", speaker);
        m.put("max_new_tokens", frames);
        m.put("seed", 7);
        return m;
    }

    @Test
    void givenDemoBundles_whenListed_thenAllFourAreServedWithRandomWeights() {
        assertEquals(List.of(BASE, CODEC, CUSTOM, DESIGN), server.models().stream().map(m -> m.id()).sorted().toList());
        assertTrue(server.unusableBundles().isEmpty(), server.unusableBundles().toString());
        String summary = ServeCommand.summary(server, config);
        assertTrue(summary.startsWith("4 models ("), summary);
        assertTrue(summary.contains("random weights"), summary);
        assertTrue(summary.contains("0 unusable bundles"), summary);
        assertTrue(summary.contains("0 failed"), summary);
        HttpResponse<byte[]> health = client.get("/api/v1/health");
        assertEquals(200, health.statusCode(), () -> text(health));
    }

    @Test
    void givenCustomVoice_whenSpoken_thenWavAndOutputFolder() {
        assertSpoken(client.postJson("/api/v1/tts/custom-voice", speak("ryan", 8)), 8);
    }

    @Test
    void givenVoiceDesign_whenSpoken_thenWavAndOutputFolder() {
        assertSpoken(client.postJson("/api/v1/tts/voice-design", Map.of("input", "Designed words.", "model", DESIGN,
                "instructions", "A calm, low voice.", "max_new_tokens", 8, "seed", 7)), 8);
    }

    @Test
    void givenUploadedReference_whenCloned_thenInContextAndXVectorOnlyBothSpeak() throws Exception {
        Map<String, Object> icl = new LinkedHashMap<>();
        icl.put("input", "Cloned words.");
        icl.put("model", BASE);
        icl.put("ref_text", "The reference recording says this.");
        icl.put("max_new_tokens", "8");
        icl.put("seed", "7");
        icl.put("ref_audio", referenceClip());
        assertSpoken(client.postMultipart("/api/v1/tts/voice-clone", icl), 8);

        Map<String, Object> xvec = new LinkedHashMap<>(icl);
        xvec.remove("ref_text");
        xvec.put("x_vector_only_mode", "true");
        assertSpoken(client.postMultipart("/api/v1/tts/voice-clone", xvec), 8);
    }

    /**
     * The official clone fixtures at other rates, uploaded as the user's file through the HTTP API
     * (greedy, the case's layout and length, {@code return_codes}): the codes the output keeps are
     * the official ones token for token. This is the whole user path: multipart upload, the stored
     * reference, librosa-exact loading and resampling, both encoders, generation.
     */
    @Test
    void givenOfficialCloneCases_whenTheClipIsUploaded_thenTheOutputsCodesAreTheOfficialOnes() throws Exception {
        for (String name : List.of("base_icl_44k1_n77616_ns", "base_icl_48k_stereo_ns", "base_xvec_8k_ns",
                "base_icl_44k_ns")) {
            Map<String, Object> cs = json(Files.readAllBytes(repo().resolve("fixtures/cases/" + name + "/case.json")));
            @SuppressWarnings("unchecked")
            Map<String, Object> req = (Map<String, Object>) cs.get("request");
            @SuppressWarnings("unchecked")
            Map<String, Object> ref = (Map<String, Object>) req.get("ref_audio");
            Map<String, Object> form = new LinkedHashMap<>();
            form.put("input", req.get("text"));
            form.put("model", BASE);
            form.put("language", req.get("language"));
            if (req.get("ref_text") != null) {
                form.put("ref_text", req.get("ref_text"));
            }
            form.put("x_vector_only_mode", String.valueOf(req.get("x_vector_only_mode")));
            form.put("non_streaming_mode", String.valueOf(req.get("non_streaming_mode")));
            form.put("do_sample", "false");
            form.put("subtalker_do_sample", "false");
            form.put("max_new_tokens", String.valueOf(req.get("max_new_tokens")));
            form.put("return_codes", "true");
            form.put("ref_audio", Files.readAllBytes(repo().resolve("fixtures").resolve((String) ref.get("file"))));
            HttpResponse<byte[]> r = client.postMultipart("/api/v1/tts/voice-clone", form);
            assertEquals(200, r.statusCode(), () -> name + ": " + text(r));
            String outputId = r.headers().firstValue("X-Q3tts-Output-Id").orElseThrow();
            HttpResponse<byte[]> codes = client.get("/api/v1/outputs/" + outputId + "/files/codes.json");
            assertEquals(200, codes.statusCode(), () -> name + ": " + text(codes));
            assertEquals(cs.get("codes"), json(codes).get("codes"), name + ": codes");
        }
    }

    @Test
    void givenDesignThenClone_whenDone_thenTheSavedVoiceSpeaks() {
        // 20 frames = 1.6 s: a saved voice's reference must be at least 1 s long.
        HttpResponse<byte[]> r = client.postJson("/api/v1/tts/design-then-clone", Map.of("name", "Designed narrator",
                "instructions", "A bright, fast narrator.", "input", "This sample becomes the voice.", "model", DESIGN,
                "clone_model", BASE, "max_new_tokens", 20, "seed", 7));
        assertEquals(201, r.statusCode(), () -> text(r));
        @SuppressWarnings("unchecked")
        Map<String, Object> voice = (Map<String, Object>) json(r).get("voice");
        String voiceId = (String) voice.get("id");
        assertTrue(Files.isDirectory(voices().resolve(voiceId)), "voice folder " + voiceId);

        assertSpoken(client.postJson("/api/v1/tts/voice-clone", Map.of("input", "Speaking with the saved voice.",
                "model", BASE, "voice", voiceId, "max_new_tokens", 8, "seed", 7)), 8);
    }

    @Test
    void givenAClip_whenEncodedThenDecoded_thenCodesRoundTripToAudioOfTheSameLength() throws Exception {
        HttpResponse<byte[]> enc = client.postMultipart("/api/v1/tokenizer/encode",
                new LinkedHashMap<>(Map.of("model", CODEC, "audio", referenceClip())));
        assertEquals(200, enc.statusCode(), () -> text(enc));
        Map<String, Object> codes = json(enc);
        int frames = ((Number) codes.get("frames")).intValue();
        assertEquals(16, ((Number) codes.get("codebooks")).intValue());
        assertTrue(frames > 10, "frames: " + frames);
        assertEquals(frames, ((List<?>) codes.get("codes")).size());

        HttpResponse<byte[]> dec = client.postJson("/api/v1/tokenizer/decode", Map.of("model", CODEC, "codes", codes.get("codes")));
        assertEquals(200, dec.statusCode(), () -> text(dec));
        assertEquals(frames * E2e.SAMPLES_PER_FRAME, assertWav(dec.body(), frames));
    }

    @Test
    void givenOpenAiClientShape_whenSpeechRequested_thenAudio() {
        HttpResponse<byte[]> r = client.postJson("/v1/audio/speech", Map.of("model", "tts-1", "input", "OpenAI shaped.",
                "voice", "ryan", "response_format", "wav", "max_new_tokens", 8));
        assertEquals(200, r.statusCode(), () -> text(r));
        assertWav(r.body(), 8);
        // Same seed and frame count, so only the tempo differs: speed 2 holds half the samples.
        Map<String, Object> paced = new HashMap<>(Map.of("model", "tts-1", "input", "OpenAI shaped.", "voice", "ryan",
                "response_format", "pcm", "max_new_tokens", 16, "seed", 7, "speed", 1.0));
        HttpResponse<byte[]> normal = client.postJson("/v1/audio/speech", paced);
        paced.put("speed", 2.0);
        HttpResponse<byte[]> fast = client.postJson("/v1/audio/speech", paced);
        assertEquals(200, fast.statusCode(), () -> text(fast));
        int normalSamples = normal.body().length / 2;
        assertTrue(normalSamples > 0);
        assertEquals(Math.round(normalSamples / 2.0), fast.body().length / 2);
        HttpResponse<byte[]> models = client.get("/v1/models");
        assertEquals(200, models.statusCode());
        assertTrue(text(models).contains(CUSTOM), text(models));
    }

    /** Records what arrives on the socket, in order: text frames as parsed JSON, binary frames as {@code "binary"}. */
    private static final class Recorder implements WebSocket.Listener {
        final List<Object> frames = new ArrayList<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                Map<String, Object> m = json(partial.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                partial.setLength(0);
                synchronized (frames) {
                    frames.add(m);
                }
                if ("end".equals(m.get("type")) || "error".equals(m.get("type"))) {
                    ended.complete(null);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            if (last) {
                synchronized (frames) {
                    frames.add("binary");
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended.completeExceptionally(error);
        }
    }

    @Test
    void givenWebSocketRequest_whenStreamed_thenHeaderAudioWhileGeneratingThenEnd() throws Exception {
        Recorder rec = new Recorder();
        WebSocket ws = client.http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/api/v1/stream"), rec).get(10, TimeUnit.SECONDS);
        int max = 40;
        ws.sendText(E2e.JSON.writeValueAsString(Map.of("task", "custom_voice", "format", "pcm", "input",
                "Streaming words for the socket.", "model", CUSTOM, "voice", "ryan", "max_new_tokens", max, "seed", 7)), true).get();
        rec.ended.get(30, TimeUnit.SECONDS);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        List<Object> frames;
        synchronized (rec.frames) {
            frames = List.copyOf(rec.frames);
        }
        assertEquals("header", type(frames.getFirst()), frames.toString());
        // A job that starts at once is admitted at queue position 0 and then runs: the client must hear that it
        // runs (pages show "Generating" from it) before the first frame's progress, not only that it was queued.
        assertTrue(frames.stream().anyMatch(f -> f instanceof Map<?, ?> m && "progress".equals(m.get("type"))
                && "running".equals(m.get("state"))), "a progress frame says the job runs: " + frames);
        @SuppressWarnings("unchecked")
        Map<String, Object> end = (Map<String, Object>) frames.getLast();
        assertEquals("end", end.get("type"), frames.toString());
        int firstBinary = frames.indexOf("binary");
        assertTrue(firstBinary > 0, "audio before the end frame: " + frames);
        int totalFrames = ((Number) end.get("frames")).intValue();
        // A progress report that comes after the first audio and before the last frame proves the audio was
        // sent while the model was still generating, not after it finished.
        boolean progressAfterAudio = frames.subList(firstBinary, frames.size()).stream()
                .anyMatch(f -> "progress".equals(type(f)) && f instanceof Map<?, ?> m && m.get("frames") instanceof Number n
                        && n.intValue() < totalFrames);
        assertTrue(progressAfterAudio, "progress after the first audio chunk: " + frames);
        assertTrue(frames.stream().filter("binary"::equals).count() >= 2, frames.toString());
        assertNotNull(end.get("output_id"));
        assertEquals(CUSTOM, end.get("model"));
        assertEquals(true, end.get("random_weights"));
        assertEquals(24_000, ((Number) end.get("sample_rate")).intValue());
        assertTrue(Files.isRegularFile(outputs().resolve((String) end.get("output_id")).resolve("metadata.json")));
    }

    private static String type(Object frame) {
        return frame instanceof Map<?, ?> m ? String.valueOf(m.get("type")) : String.valueOf(frame);
    }

    @Test
    void givenTheSlotHeldAndTheQueueFull_whenAnotherRequestComes_then429UntilTheSlotIsFreed() throws Exception {
        Map<String, Object> longRequest = new LinkedHashMap<>(speak("ryan", LONG));
        longRequest.put("stream", true);
        longRequest.put("response_format", "pcm");
        HttpResponse<InputStream> stream = client.openStream("/api/v1/tts/custom-voice", longRequest);
        try (InputStream body = stream.body()) {
            assertEquals(200, stream.statusCode());
            String running = stream.headers().firstValue("X-Q3tts-Job-Id").orElseThrow();
            assertTrue(body.readNBytes(2 * E2e.SAMPLES_PER_FRAME).length > 0, "the long job streams audio");

            Map<String, Object> queued = new LinkedHashMap<>(speak("ryan", 8));
            queued.put("task", "custom_voice");
            HttpResponse<byte[]> submitted = client.postJson("/api/v1/jobs", queued);
            assertEquals(202, submitted.statusCode(), () -> text(submitted));
            String queuedId = (String) json(submitted).get("id");

            HttpResponse<byte[]> refused = client.postJson("/api/v1/tts/custom-voice", speak("ryan", 8));
            assertEquals(429, refused.statusCode(), () -> text(refused));
            assertEquals("OVERLOADED", json(refused).get("errorType"));
            long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);

            assertEquals(200, client.delete("/api/v1/jobs/" + queuedId).statusCode());
            assertEquals(200, client.delete("/api/v1/jobs/" + running).statusCode());
        }
        assertSpoken(client.postJson("/api/v1/tts/custom-voice", speak("ryan", 8)), 8);
    }

    @Test
    void givenALongJob_whenCancelled_thenTheNextJobRuns() throws Exception {
        Map<String, Object> job = new LinkedHashMap<>(speak("aiden", LONG));
        job.put("task", "custom_voice");
        HttpResponse<byte[]> submitted = client.postJson("/api/v1/jobs", job);
        assertEquals(202, submitted.statusCode(), () -> text(submitted));
        String id = (String) json(submitted).get("id");
        awaitState(id, "running");

        HttpResponse<byte[]> cancelled = client.delete("/api/v1/jobs/" + id);
        assertEquals(200, cancelled.statusCode(), () -> text(cancelled));
        awaitState(id, "cancelled");
        assertSpoken(client.postJson("/api/v1/tts/custom-voice", speak("aiden", 8)), 8);
    }

    private static void awaitState(String jobId, String state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String seen = null;
        while (System.nanoTime() < deadline) {
            seen = (String) json(client.get("/api/v1/jobs/" + jobId)).get("state");
            if (state.equals(seen)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + jobId + " is " + seen + ", expected " + state);
    }

    @Test
    void givenAVoiceAndAnOutput_whenTheServerRestartsOnTheSameFolders_thenBothAreListed(@TempDir Path home) throws Exception {
        Q3ttsConfig own = config(home);
        String voiceId;
        String outputId;
        try (Q3ttsServer first = Q3ttsServer.start(settings(own), DrivenPorts.onDisk(own.paths()))) {
            E2e c = new E2e(first.port());
            Map<String, Object> voice = new LinkedHashMap<>();
            voice.put("name", "Kept voice");
            voice.put("ref_text", "The reference recording says this.");
            voice.put("audio_sample", referenceClip());
            HttpResponse<byte[]> created = c.postMultipart("/api/v1/voices", voice);
            assertEquals(201, created.statusCode(), () -> text(created));
            voiceId = (String) json(created).get("id");
            HttpResponse<byte[]> spoken = c.postJson("/api/v1/tts/custom-voice", speak("serena", 4));
            assertEquals(200, spoken.statusCode(), () -> text(spoken));
            outputId = spoken.headers().firstValue("X-Q3tts-Output-Id").orElseThrow();
        }
        try (Q3ttsServer second = Q3ttsServer.start(settings(own), DrivenPorts.onDisk(own.paths()))) {
            E2e c = new E2e(second.port());
            assertTrue(text(c.get("/api/v1/voices")).contains(voiceId), () -> text(c.get("/api/v1/voices")));
            assertTrue(text(c.get("/api/v1/outputs")).contains(outputId), () -> text(c.get("/api/v1/outputs")));
            HttpResponse<byte[]> audio = c.get("/api/v1/outputs/" + outputId + "/audio");
            assertEquals(200, audio.statusCode());
            assertWav(audio.body(), 4);
        }
    }

    @Test
    void givenBadInput_whenSent_then4xxNamingTheFieldAndNothingWritten() throws Exception {
        List<String> voicesBefore = tree(voices());
        List<String> outputsBefore = tree(outputs());

        Map<String, Object> noInput = new LinkedHashMap<>(speak("ryan", 8));
        noInput.remove("input");
        assertRefused(client.postJson("/api/v1/tts/custom-voice", noInput), 400, "input");

        Map<String, Object> wrongType = new LinkedHashMap<>(speak("ryan", 8));
        wrongType.put("max_new_tokens", "lots");
        assertRefused(client.postJson("/api/v1/tts/custom-voice", wrongType), 400, "max_new_tokens");

        // The engine reports an unknown preset speaker as an invalid value of the field (400), which
        // docs/api.md lists under 404; either is a clear refusal naming the field.
        HttpResponse<byte[]> speaker = client.postJson("/api/v1/tts/custom-voice", speak("nobody", 8));
        assertRefused(speaker, speaker.statusCode() == 404 ? 404 : 400, "voice");

        Map<String, Object> unknownModel = new LinkedHashMap<>(speak("ryan", 8));
        unknownModel.put("model", "no-such-model");
        assertRefused(client.postJson("/api/v1/tts/custom-voice", unknownModel), 404, "model");

        assertRefused(client.postJson("/api/v1/tts/voice-clone", Map.of("input", "Hi.", "model", BASE,
                "voice", "no-such-voice", "max_new_tokens", 8)), 404, "voice");
        // The job route checks voices at submission too: no job is queued for a voice that cannot speak.
        int jobs = client.jobs().size();
        assertRefused(client.postJson("/api/v1/jobs", Map.of("task", "voice_clone", "input", "Hi.", "model", BASE,
                "voice", "no-such-voice", "max_new_tokens", 8)), 404, "voice");
        Map<String, Object> speakerJob = new LinkedHashMap<>(speak("nobody", 8));
        speakerJob.put("task", "custom_voice");
        HttpResponse<byte[]> queuedSpeaker = client.postJson("/api/v1/jobs", speakerJob);
        assertRefused(queuedSpeaker, queuedSpeaker.statusCode() == 404 ? 404 : 400, "voice");
        assertEquals(jobs, client.jobs().size(), "no job was queued");

        Map<String, Object> corrupt = new LinkedHashMap<>();
        corrupt.put("input", "Hi.");
        corrupt.put("model", BASE);
        corrupt.put("ref_text", "Words.");
        corrupt.put("max_new_tokens", "8");
        corrupt.put("ref_audio", "RIFF this is not audio at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertRefused(client.postMultipart("/api/v1/tts/voice-clone", corrupt), 415, "ref_audio");

        Map<String, Object> corruptVoice = new LinkedHashMap<>();
        corruptVoice.put("name", "Broken");
        corruptVoice.put("ref_text", "Words.");
        corruptVoice.put("audio_sample", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertRefused(client.postMultipart("/api/v1/voices", corruptVoice), 415, "audio_sample");

        Map<String, Object> oversized = new LinkedHashMap<>();
        oversized.put("name", "Too big");
        oversized.put("ref_text", "Words.");
        oversized.put("audio_sample", E2e.silenceWav(30)); // 1.44 MB against the 1 MB limit
        HttpResponse<byte[]> big = client.postMultipart("/api/v1/voices", oversized);
        assertEquals(413, big.statusCode(), () -> text(big));
        assertEquals("PAYLOAD_TOO_LARGE", json(big).get("errorType"), () -> text(big));

        for (String path : List.of("/api/v1/voices/..%2Fetc", "/api/v1/voices/..%2F..%2Fetc%2Fpasswd",
                "/api/v1/outputs/..%2Fvoices", "/api/v1/voices/%2E%2E")) {
            HttpResponse<byte[]> r = client.get(path);
            assertTrue(r.statusCode() == 400 || r.statusCode() == 404, path + " -> " + r.statusCode() + " " + text(r));
            Map<String, Object> body = json(r);
            assertTrue(body.containsKey("error") && body.containsKey("errorType") && body.containsKey("field"), path + ": " + body);
        }
        HttpResponse<byte[]> del = client.delete("/api/v1/voices/..%2Foutputs");
        assertTrue(del.statusCode() == 400 || del.statusCode() == 404, () -> del.statusCode() + " " + text(del));

        assertEquals(voicesBefore, tree(voices()), "nothing written to voices/");
        assertEquals(outputsBefore, tree(outputs()), "nothing written to outputs/");
        assertFalse(Files.exists(voices().getParent().resolve("etc")));
    }

    private static void assertRefused(HttpResponse<byte[]> r, int status, String field) {
        assertEquals(status, r.statusCode(), () -> text(r));
        Map<String, Object> body = json(r);
        assertTrue(body.get("error") instanceof String s && !s.isBlank(), body.toString());
        assertNotNull(body.get("errorType"), body.toString());
        assertEquals(field, body.get("field"), body.toString());
    }
}
