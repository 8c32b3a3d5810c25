package io.q3tts.adapters.inference.onnx.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.engine.RunawayGuard;
import io.q3tts.adapters.inference.onnx.engine.TestPaths;
import io.q3tts.adapters.inference.onnx.io.WavWriter;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ErrorType;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.UnsupportedMediaException;
import io.q3tts.ports.out.inference.ClonePrompt;
import io.q3tts.ports.out.inference.AudioChunk;
import io.q3tts.ports.out.inference.FinishReason;
import io.q3tts.ports.out.inference.SamplingParams;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisProgress;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.SynthesizerInfo;
import io.q3tts.ports.out.inference.TaskType;
import io.q3tts.ports.out.inference.VoicePrompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthesizer port on the demo bundles: streaming, progress, guard, cancellation, errors, saved voices. */
class OnnxSpeechSynthesizerTest {

    private static final OrtRuntime RUNTIME = new OrtRuntime(OnnxRuntimeConfig.cpu());
    /** Guard off (so generations run to max_new_tokens), per-frame progress, first chunk after 4 frames. */
    private static final SynthesizerOptions OPTIONS = SynthesizerOptions.defaults()
            .withRunawayGuard(null).withChunking(4, 8).withProgressInterval(Duration.ZERO);

    private static OnnxSpeechSynthesizer customVoice;
    private static OnnxSpeechSynthesizer base;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        customVoice = OnnxSpeechSynthesizer.open(TestPaths.requireBundle("custom-voice"), RUNTIME, OPTIONS);
        base = OnnxSpeechSynthesizer.open(TestPaths.requireBundle("base"), RUNTIME, OPTIONS);
    }

    @AfterAll
    static void close() {
        if (customVoice != null) {
            customVoice.close();
        }
        if (base != null) {
            base.close();
        }
    }

    private static SynthesisRequest ryan(String text, int maxNewTokens) {
        return SynthesisRequest.builder(TaskType.CUSTOM_VOICE, text).speaker("ryan").language("english")
                .sampling(SamplingParams.greedy()).maxNewTokens(maxNewTokens).build();
    }

    private static Path clip(String name) {
        return TestPaths.requireFixture("clips/" + name);
    }

    private Path wav(String name, float[] samples, int rate) throws Exception {
        Path p = tmp.resolve(name);
        WavWriter.write(p, samples, rate, WavWriter.Encoding.FLOAT_32);
        return p;
    }

    /** Records when chunks arrive relative to the progress reports. */
    private static final class Recorder implements SynthesisListener {
        final List<AudioChunk> chunks = new ArrayList<>();
        final List<Integer> framesAtChunk = new ArrayList<>();
        final List<SynthesisProgress> progress = new ArrayList<>();
        int frames;

        @Override
        public void onProgress(SynthesisProgress p) {
            assertTrue(p.frames() >= frames, "progress never goes back");
            frames = p.frames();
            progress.add(p);
        }

        @Override
        public void onAudio(AudioChunk chunk) {
            chunks.add(chunk);
            framesAtChunk.add(frames);
        }

        float[] concatenated() {
            int n = chunks.stream().mapToInt(c -> c.samples().length).sum();
            float[] out = new float[n];
            int o = 0;
            for (AudioChunk c : chunks) {
                assertEquals(o, c.startSample());
                System.arraycopy(c.samples(), 0, out, o, c.samples().length);
                o += c.samples().length;
            }
            return out;
        }
    }

    @Test
    void givenADemoBundle_whenAskedForInfo_thenItDescribesTheModelAndItsRandomWeights() {
        SynthesizerInfo info = customVoice.info();
        assertEquals("demo-custom-voice", info.modelId());
        assertEquals(Set.of(TaskType.CUSTOM_VOICE), info.tasks());
        assertTrue(info.speakers().contains("ryan"), info.speakers().toString());
        assertEquals("auto", info.languages().getFirst());
        assertTrue(info.languages().contains("english"));
        assertFalse(info.supportsInstruct(), "0.6B CustomVoice drops the instruct");
        assertEquals(24_000, info.sampleRate());
        assertTrue(info.randomWeights());
        assertEquals(Set.of(TaskType.VOICE_CLONE), base.info().tasks());
        assertEquals(List.of(), base.info().speakers());
    }

    @Test
    void givenAStreamingListener_whenSynthesizing_thenChunksArriveBeforeTheEndAndAddUpToTheFinalAudio() {
        Recorder r = new Recorder();
        SynthesisResult result = customVoice.synthesize(ryan("Hello there, how are you today?", 30), r);
        assertEquals(29, result.frames());
        assertEquals(FinishReason.MAX_NEW_TOKENS, result.finishReason());
        assertEquals(29 * 1920, result.samples().length);

        // first audio after 4 frames, then every 8, the rest flagged last after the loop
        assertEquals(4 * 1920, r.chunks.getFirst().samples().length);
        assertEquals(4, r.framesAtChunk.getFirst());
        assertTrue(r.framesAtChunk.getFirst() < result.frames(), "the first chunk came while generating");
        assertEquals(List.of(4, 12, 20, 28, 29), r.framesAtChunk);
        assertEquals(1920, r.chunks.getLast().samples().length);
        for (int i = 0; i < r.chunks.size(); i++) {
            assertEquals(i == r.chunks.size() - 1, r.chunks.get(i).last());
        }
        float[] streamed = r.concatenated();
        assertEquals(result.samples().length, streamed.length);
        double d = SynthesizerParityTest.maxDiff(result.samples(), 0, streamed, 0, streamed.length);
        assertTrue(d < SynthesizerParityTest.STREAM_TOL, "streamed vs final " + d);

        // progress after every frame (interval 0), ending with the final count
        SynthesisProgress last = r.progress.getLast();
        assertEquals(29, last.frames());
        assertEquals(29, last.maxFrames());
        assertTrue(last.realTimeFactor() > 0);
        assertEquals(29 / 12.5, last.audioSeconds(), 1e-9);
    }

    @Test
    void givenAnIclClone_whenStreaming_thenAudioArrivesWhileGenerating() {
        Recorder r = new Recorder();
        SynthesisRequest req = SynthesisRequest.builder(TaskType.VOICE_CLONE, "Hello there, how are you today?")
                .voicePrompt(new VoicePrompt.ReferenceAudio(clip("ref_24k_mono_f32.wav"),
                        "The quick brown fox jumps over the lazy dog.", false))
                .sampling(SamplingParams.greedy()).maxNewTokens(20).build();
        SynthesisResult result = base.synthesize(req, r);
        assertEquals(19, result.frames());
        assertEquals(4, r.framesAtChunk.getFirst());
        float[] streamed = r.concatenated();
        int lead = result.samples().length - streamed.length;
        assertTrue(lead == 0 || lead == 1, "lead " + lead);
        double d = SynthesizerParityTest.maxDiff(result.samples(), lead, streamed, 0, streamed.length);
        assertTrue(d < SynthesizerParityTest.STREAM_TOL, "streamed vs final " + d);
    }

    @Test
    void givenAListenerWithoutChunks_whenSynthesizing_thenItGetsTheWholeAudioOnce() {
        List<AudioChunk> got = new ArrayList<>();
        SynthesisListener wholeOnly = new SynthesisListener() {
            @Override
            public boolean wantsAudioChunks() {
                return false;
            }

            @Override
            public void onAudio(AudioChunk chunk) {
                got.add(chunk);
            }
        };
        SynthesisResult result = customVoice.synthesize(ryan("Hello.", 10), wholeOnly);
        assertEquals(1, got.size());
        assertTrue(got.getFirst().last());
        assertSame(result.samples(), got.getFirst().samples());
        assertFalse(SynthesisListener.NONE.wantsAudioChunks());
    }

    @Test
    void givenTheDefaultOptions_whenTheModelNeverStops_thenTheRunawayGuardCapsByTextLength() {
        assertEquals(RunawayGuard.defaults(), SynthesizerOptions.defaults().runawayGuard(), "the guard is on by default");
        try (OnnxSpeechSynthesizer guarded = OnnxSpeechSynthesizer.open(TestPaths.requireBundle("custom-voice"), RUNTIME,
                SynthesizerOptions.defaults().withRunawayGuard(new RunawayGuard(6, 0.5)))) {
            SynthesisResult r = guarded.synthesize(ryan("Hello.", 2048), SynthesisListener.NONE);
            // "Hello." is 2 text tokens: 6 + ceil(2 * 0.5) = 7 frames at most
            assertTrue(r.frames() <= 7, "frames " + r.frames());
            if (r.finishReason() != FinishReason.END_OF_SPEECH) {
                assertEquals(FinishReason.LENGTH_LIMIT, r.finishReason());
                assertEquals(7, r.frames());
            }
        }
    }

    @Test
    void givenASeed_whenSampling_thenTheAudioIsReproducible() {
        SynthesisRequest.Builder b = SynthesisRequest.builder(TaskType.CUSTOM_VOICE, "Hello there.").speaker("vivian").maxNewTokens(12);
        float[] a = customVoice.synthesize(b.sampling(SamplingParams.defaults().withSeed(42)).build(), SynthesisListener.NONE).samples();
        float[] a2 = customVoice.synthesize(b.sampling(SamplingParams.defaults().withSeed(42)).build(), SynthesisListener.NONE).samples();
        float[] c = customVoice.synthesize(b.sampling(SamplingParams.defaults().withSeed(43)).build(), SynthesisListener.NONE).samples();
        assertArrayEquals(a, a2);
        assertFalse(java.util.Arrays.equals(a, c), "another seed gives other audio");
    }

    @Test
    void givenALongGeneration_whenCancelledMidway_thenItStopsPromptlyWithCancelled() throws Exception {
        CancellationToken token = CancellationToken.create();
        CountDownLatch fiveFrames = new CountDownLatch(1);
        AtomicInteger framesAtEnd = new AtomicInteger();
        SynthesisListener listener = new SynthesisListener() {
            @Override
            public void onProgress(SynthesisProgress p) {
                framesAtEnd.set(p.frames());
                if (p.frames() >= 5) {
                    fiveFrames.countDown();
                }
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<SynthesisResult> call = pool.submit(() -> customVoice.synthesize(ryan("Hello there, how are you today?", 2000),
                    listener, token));
            assertTrue(fiveFrames.await(60, TimeUnit.SECONDS), "generation started");
            long cancelledAt = System.nanoTime();
            token.cancel();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> call.get(60, TimeUnit.SECONDS));
            long stopMillis = (System.nanoTime() - cancelledAt) / 1_000_000;
            CancelledException c = assertInstanceOf(CancelledException.class, e.getCause());
            assertEquals(ErrorType.CANCELLED, c.errorType());
            assertTrue(stopMillis < 2000, "stopped " + stopMillis + " ms after the cancel");
            assertTrue(framesAtEnd.get() < 1000, "stopped at frame " + framesAtEnd.get());
        } finally {
            pool.shutdownNow();
        }
        CancellationToken already = CancellationToken.create();
        already.cancel();
        assertThrows(CancelledException.class, () -> customVoice.synthesize(ryan("Hi.", 10), SynthesisListener.NONE, already));
    }

    private static <T> T assertInstanceOf(Class<T> type, Throwable t) {
        assertTrue(type.isInstance(t), "expected " + type.getSimpleName() + " but got " + t);
        return type.cast(t);
    }

    @Test
    void givenAnUnknownSpeakerOrLanguage_whenSynthesizing_thenInvalidArgumentListsTheSupportedOnes() {
        InvalidArgumentException s = assertThrows(InvalidArgumentException.class, () -> customVoice.synthesize(
                SynthesisRequest.builder(TaskType.CUSTOM_VOICE, "Hi.").speaker("bob").build(), SynthesisListener.NONE));
        assertEquals("speaker", s.field());
        assertTrue(s.getMessage().contains("aiden, dylan, eric, ono_anna, ryan"), s.getMessage());
        InvalidArgumentException l = assertThrows(InvalidArgumentException.class, () -> customVoice.synthesize(
                SynthesisRequest.builder(TaskType.CUSTOM_VOICE, "Hi.").speaker("ryan").language("klingon").build(),
                SynthesisListener.NONE));
        assertEquals("language", l.field());
        assertTrue(l.getMessage().contains("auto, chinese, english"), l.getMessage());
    }

    @Test
    void givenATaskTheModelDoesNotServe_whenSynthesizing_thenUnsupportedNamesTheModelTypes() {
        UnsupportedException e = assertThrows(UnsupportedException.class, () -> customVoice.synthesize(
                SynthesisRequest.builder(TaskType.VOICE_DESIGN, "Hi.").instruct("calm").build(), SynthesisListener.NONE));
        assertTrue(e.getMessage().contains("custom_voice model") && e.getMessage().contains("VoiceDesign"), e.getMessage());
        // the task is checked before the reference file is touched
        assertThrows(UnsupportedException.class, () -> customVoice.synthesize(
                SynthesisRequest.builder(TaskType.VOICE_CLONE, "Hi.").voicePrompt(
                        new VoicePrompt.ReferenceAudio(tmp.resolve("none.wav"), null, true)).build(), SynthesisListener.NONE));
        assertThrows(UnsupportedException.class, () -> customVoice.encode(
                new VoicePrompt.ReferenceAudio(clip("ref_24k_mono_f32.wav"), null, true), CancellationToken.none()));
    }

    private InvalidArgumentException cloneFails(Path audio) {
        SynthesisRequest r = SynthesisRequest.builder(TaskType.VOICE_CLONE, "Hi.")
                .voicePrompt(new VoicePrompt.ReferenceAudio(audio, null, true)).maxNewTokens(4).build();
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> base.synthesize(r, SynthesisListener.NONE));
        assertEquals("ref_audio", e.field());
        return e;
    }

    @Test
    void givenAnUnusableReferenceClip_whenCloning_thenInvalidArgumentSaysWhy() throws Exception {
        assertTrue(cloneFails(tmp.resolve("missing.wav")).getMessage().contains("does not exist"));
        Path corrupt = tmp.resolve("corrupt.wav");
        Files.write(corrupt, "RIFF\0\0\0\0WAVEjunkjunkjunk".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        UnsupportedMediaException media = assertThrows(UnsupportedMediaException.class, () -> base.synthesize(
                SynthesisRequest.builder(TaskType.VOICE_CLONE, "Hi.").voicePrompt(new VoicePrompt.ReferenceAudio(corrupt, null, true))
                        .build(), SynthesisListener.NONE));
        assertEquals("ref_audio", media.field());
        assertTrue(media.getMessage().startsWith("Cannot read the reference audio"), media.getMessage());
        InvalidArgumentException shortClip = cloneFails(wav("short.wav", new float[1279], 24_000));
        assertTrue(shortClip.getMessage().contains("too short") && shortClip.getMessage().contains("1280 samples"),
                shortClip.getMessage());
        // the length is checked after resampling: 800 samples at 16 kHz are 1200 at 24 kHz
        assertTrue(cloneFails(wav("short16k.wav", new float[800], 16_000)).getMessage().contains("too short"));
        float[] nan = new float[4800];
        nan[100] = Float.NaN;
        assertTrue(cloneFails(wav("nan.wav", nan, 24_000)).getMessage().contains("NaN"));
        // exactly the minimum works
        float[] ok = new float[1280];
        for (int i = 0; i < ok.length; i++) {
            ok[i] = (float) (0.3 * Math.sin(i * 0.05));
        }
        SynthesisResult r = base.synthesize(SynthesisRequest.builder(TaskType.VOICE_CLONE, "Hi.")
                .voicePrompt(new VoicePrompt.ReferenceAudio(wav("min.wav", ok, 24_000), null, true))
                .sampling(SamplingParams.greedy()).maxNewTokens(3).build(), SynthesisListener.NONE);
        assertEquals(2, r.frames());
    }

    @Test
    void givenAMissingOrCodecOnlyBundle_whenOpened_thenNotFoundOrUnsupported() throws Exception {
        assertThrows(NotFoundException.class, () -> OnnxSpeechSynthesizer.open(tmp.resolve("nope"), RUNTIME, OPTIONS));
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        NotFoundException e = assertThrows(NotFoundException.class, () -> OnnxSpeechSynthesizer.open(empty, RUNTIME, OPTIONS));
        assertTrue(e.getMessage().contains("no manifest.json"), e.getMessage());
        UnsupportedException u = assertThrows(UnsupportedException.class,
                () -> OnnxSpeechSynthesizer.open(TestPaths.requireBundle("codec"), RUNTIME, OPTIONS));
        assertTrue(u.getMessage().contains("codec"), u.getMessage());
    }

    @Test
    void givenASavedVoice_whenSynthesizing_thenTheAudioIsBitIdenticalToCloningFromTheClip() throws Exception {
        VoicePrompt.ReferenceAudio ref = new VoicePrompt.ReferenceAudio(clip("ref_44k1_stereo_s24.wav"),
                "The quick brown fox jumps over the lazy dog.", false);
        ClonePrompt prompt = base.encode(ref, CancellationToken.none());
        assertEquals(base.cacheKey(), prompt.cacheKey());
        assertTrue(prompt.cacheKey().startsWith("q3v1-base-"), prompt.cacheKey());
        assertFalse(prompt.xVectorOnly());
        Path file = tmp.resolve("fox.q3v");
        Files.write(file, prompt.data());
        SynthesisRequest.Builder b = SynthesisRequest.builder(TaskType.VOICE_CLONE, "Hello there, how are you today?")
                .sampling(SamplingParams.greedy()).maxNewTokens(12);
        SynthesisResult fromClip = base.synthesize(b.voicePrompt(ref).build(), SynthesisListener.NONE);
        SynthesisResult fromFile = base.synthesize(b.voicePrompt(new VoicePrompt.Saved(file.toString())).build(), SynthesisListener.NONE);
        assertEquals(fromClip.frames(), fromFile.frames());
        assertArrayEquals(fromClip.samples(), fromFile.samples());
    }

    @Test
    void givenAVoiceLibrary_whenASavedVoiceIsUsed_thenThePromptIsEncodedOnceAndThenReadFromTheCache() {
        FakeVoices repo = new FakeVoices(clip("ref_24k_mono_f32.wav"));
        try (OnnxSpeechSynthesizer lib = OnnxSpeechSynthesizer.open(TestPaths.requireBundle("base"), RUNTIME,
                OPTIONS.withVoices(SavedVoices.repository(repo)))) {
            SynthesisRequest r = SynthesisRequest.builder(TaskType.VOICE_CLONE, "Hello there.")
                    .voicePrompt(new VoicePrompt.Saved("fox")).sampling(SamplingParams.greedy()).maxNewTokens(6).build();
            float[] first = lib.synthesize(r, SynthesisListener.NONE).samples();
            assertEquals(1, repo.saves);
            assertTrue(repo.prompts.containsKey("fox/" + lib.cacheKey()));
            float[] second = lib.synthesize(r, SynthesisListener.NONE).samples();
            assertEquals(1, repo.saves, "the cached prompt is reused");
            assertArrayEquals(first, second);
            float[] direct = lib.synthesize(SynthesisRequest.builder(TaskType.VOICE_CLONE, "Hello there.")
                    .voicePrompt(new VoicePrompt.ReferenceAudio(clip("ref_24k_mono_f32.wav"), FakeVoices.FOX, false))
                    .sampling(SamplingParams.greedy()).maxNewTokens(6).build(), SynthesisListener.NONE).samples();
            assertArrayEquals(direct, first);
            NotFoundException nf = assertThrows(NotFoundException.class, () -> lib.synthesize(
                    SynthesisRequest.builder(TaskType.VOICE_CLONE, "Hi.").voicePrompt(new VoicePrompt.Saved("nobody")).build(),
                    SynthesisListener.NONE));
            assertEquals("voice_id", nf.field());
        }
    }

    /** A voice library holding one ICL voice, "fox", in memory. */
    private static final class FakeVoices implements io.q3tts.ports.out.voice.VoiceRepository {
        static final String FOX = "The quick brown fox jumps over the lazy dog.";
        final java.util.Map<String, byte[]> prompts = new java.util.HashMap<>();
        final Path clip;
        int saves;

        FakeVoices(Path clip) {
            this.clip = clip;
        }

        @Override
        public List<io.q3tts.ports.out.voice.VoiceRecord> list() {
            return find("fox").stream().toList();
        }

        @Override
        public java.util.Optional<io.q3tts.ports.out.voice.VoiceRecord> find(String voiceId) {
            if (!voiceId.equals("fox")) {
                return java.util.Optional.empty();
            }
            java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
            return java.util.Optional.of(new io.q3tts.ports.out.voice.VoiceRecord("fox", "Fox", "",
                    io.q3tts.ports.model.VoiceOrigin.UPLOADED, "english", FOX, false, null, null, 3.0, t, t));
        }

        @Override
        public io.q3tts.ports.out.voice.VoiceRecord create(io.q3tts.ports.out.voice.VoiceRecord voice,
                                                           io.q3tts.ports.model.EncodedAudio referenceClip) {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.q3tts.ports.out.voice.VoiceRecord update(io.q3tts.ports.out.voice.VoiceRecord voice) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean delete(String voiceId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Path referenceClip(String voiceId) {
            return clip;
        }

        @Override
        public io.q3tts.ports.model.EncodedAudio readReferenceClip(String voiceId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<byte[]> loadPrompt(String voiceId, String cacheKey) {
            return java.util.Optional.ofNullable(prompts.get(voiceId + "/" + cacheKey));
        }

        @Override
        public void savePrompt(String voiceId, String cacheKey, byte[] data) {
            saves++;
            prompts.put(voiceId + "/" + cacheKey, data);
        }

        @Override
        public void clearPrompts(String voiceId) {
            prompts.clear();
        }
    }

    @Test
    void givenABadSavedVoice_whenSynthesizing_thenNotFoundOrInvalidArgument() throws Exception {
        SynthesisRequest.Builder b = SynthesisRequest.builder(TaskType.VOICE_CLONE, "Hi.").maxNewTokens(4);
        assertThrows(NotFoundException.class, () -> base.synthesize(
                b.voicePrompt(new VoicePrompt.Saved(tmp.resolve("nobody.q3v").toString())).build(), SynthesisListener.NONE));
        Path junk = Files.writeString(tmp.resolve("junk.q3v"), "not a zip");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> base.synthesize(
                b.voicePrompt(new VoicePrompt.Saved(junk.toString())).build(), SynthesisListener.NONE));
        assertEquals("voice_id", e.field());
        // a voice of another model size (hidden 16 instead of 24)
        Path other = tmp.resolve("other.q3v");
        java.nio.file.Files.write(other, VoicePromptFile.toBytes(
                new io.q3tts.adapters.inference.onnx.engine.VoiceClonePrompt(null, new float[16], true, null),
                customVoice.engine().manifest(), customVoice.cacheKey()));
        InvalidArgumentException dim = assertThrows(InvalidArgumentException.class, () -> base.synthesize(
                b.voicePrompt(new VoicePrompt.Saved(other.toString())).build(), SynthesisListener.NONE));
        assertTrue(dim.getMessage().contains("size 16") && dim.getMessage().contains("size 24"), dim.getMessage());
    }

    @Test
    void givenADirectoryOfVoices_whenIdsArePaths_thenTheyAreRefused() throws Exception {
        SavedVoices dir = SavedVoices.directory(tmp);
        Files.write(tmp.resolve("anna_1.q3v"), new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, dir.load("anna_1", base, CancellationToken.none()));
        assertThrows(NotFoundException.class, () -> dir.load("bob", base, CancellationToken.none()));
        for (String bad : new String[] {"../x", "a/b", ".hidden", "", "x".repeat(65)}) {
            assertThrows(InvalidArgumentException.class, () -> dir.load(bad, base, CancellationToken.none()), bad);
        }
    }
}
