package io.q3tts.adapters.inference.onnx.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.Manifest;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.engine.GeneratedCodes;
import io.q3tts.adapters.inference.onnx.engine.GenerationSettings;
import io.q3tts.adapters.inference.onnx.engine.PredictorMode;
import io.q3tts.adapters.inference.onnx.engine.Qwen3TtsEngine;
import io.q3tts.adapters.inference.onnx.engine.TestPaths;
import io.q3tts.adapters.inference.onnx.engine.VoiceClonePrompt;
import io.q3tts.adapters.inference.onnx.io.WavAudio;
import io.q3tts.adapters.inference.onnx.io.WavReader;
import io.q3tts.adapters.inference.onnx.text.TextTokenizer;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.out.inference.SamplingParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code .q3v} voice file: bit-exact round trip, identical generation, and refusal of bad files. */
class VoicePromptFileTest {

    private static Bundle bundle;
    private static TextTokenizer tokenizer;
    private static Qwen3TtsEngine engine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() throws IOException {
        bundle = Bundle.open(TestPaths.requireBundle("base"), new OrtRuntime(OnnxRuntimeConfig.cpu()));
        tokenizer = TextTokenizer.load(bundle.tokenizerFile());
        engine = new Qwen3TtsEngine(bundle, tokenizer, PredictorMode.FUSED);
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (bundle != null) {
            bundle.close();
        }
    }

    private static VoiceClonePrompt fromClip(boolean xVectorOnly) throws IOException {
        WavAudio wav = WavReader.read(TestPaths.requireFixture("clips/ref_16k_mono_s16.wav"));
        return engine.createVoiceClonePrompt(wav.samples(), wav.sampleRate(),
                xVectorOnly ? null : "The quick brown fox jumps over the lazy dog.", xVectorOnly);
    }

    private static void assertBitEqual(VoiceClonePrompt expected, VoiceClonePrompt actual) {
        float[] a = expected.speakerEmbedding();
        float[] b = actual.speakerEmbedding();
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "embedding bits at " + i);
        }
        if (expected.refCodes() == null) {
            assertNull(actual.refCodes());
        } else {
            assertEquals(expected.refCodes().length, actual.refCodes().length);
            for (int f = 0; f < expected.refCodes().length; f++) {
                assertArrayEquals(expected.refCodes()[f], actual.refCodes()[f], "frame " + f);
            }
        }
        assertEquals(expected.xVectorOnly(), actual.xVectorOnly());
        assertEquals(expected.refText(), actual.refText());
    }

    private static GeneratedCodes generate(VoiceClonePrompt voice) {
        return engine.generate(engine.voiceClonePrompt("Hello there, how are you today?", "english", voice, true),
                GenerationSettings.of(bundle.manifest(), SamplingParams.greedy(), 10, null), null, null, CancellationToken.none());
    }

    @Test
    void givenAnIclPrompt_whenSavedAndLoaded_thenEveryBitAndTheGeneratedCodesAreIdentical() throws Exception {
        VoiceClonePrompt original = fromClip(false);
        Path file = tmp.resolve("fox.q3v");
        VoicePromptFile.write(file, original, bundle.manifest(), "q3v1-test");
        VoicePromptFile.Stored stored = VoicePromptFile.read(file);
        assertBitEqual(original, stored.prompt());
        assertEquals("demo-base", stored.modelName());
        assertEquals("base", stored.modelType());
        assertEquals(24, stored.embeddingDim());
        assertEquals("q3v1-test", stored.cacheKey());

        GeneratedCodes a = generate(original);
        GeneratedCodes b = generate(stored.prompt());
        assertEquals(a.frameCount(), b.frameCount());
        for (int f = 0; f < a.frameCount(); f++) {
            assertArrayEquals(a.frames()[f], b.frames()[f], "generated frame " + f);
        }
        assertArrayEquals(engine.decode(a.frames(), original), engine.decode(b.frames(), stored.prompt()));
    }

    @Test
    void givenAnXVectorOnlyPrompt_whenSavedAndLoaded_thenItRoundTripsWithoutCodes() throws Exception {
        VoiceClonePrompt original = fromClip(true);
        VoicePromptFile.Stored stored = VoicePromptFile.fromBytes(VoicePromptFile.toBytes(original, bundle.manifest(), null), "x");
        assertBitEqual(original, stored.prompt());
        assertNull(stored.prompt().refCodes());
        GeneratedCodes a = generate(original);
        GeneratedCodes b = generate(stored.prompt());
        for (int f = 0; f < a.frameCount(); f++) {
            assertArrayEquals(a.frames()[f], b.frames()[f]);
        }
    }

    @Test
    void givenUnusualFloats_whenSaved_thenTheirExactBitsSurvive() throws Exception {
        float[] odd = {Float.intBitsToFloat(0x7fc01234), -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0xffa00001), 1e-40f, 0.1f};
        VoiceClonePrompt p = new VoiceClonePrompt(new int[][] {new int[16], filled(2047)}, odd, false, "Grüße, 世界 \uD83D\uDE00");
        Manifest m = bundle.manifest();
        VoicePromptFile.Stored back = VoicePromptFile.fromBytes(VoicePromptFile.toBytes(p, m, "k"), "odd");
        assertBitEqual(p, back.prompt());
        // the same prompt always gives the same bytes
        assertArrayEquals(VoicePromptFile.toBytes(p, m, "k"), VoicePromptFile.toBytes(p, m, "k"));
    }

    private static int[] filled(int v) {
        int[] a = new int[16];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void givenTheFile_thenItIsAZipOfJsonAndNpyEntries() throws Exception {
        byte[] bytes = VoicePromptFile.toBytes(fromClip(false), bundle.manifest(), null);
        Set<String> names = new HashSet<>();
        try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(bytes))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                names.add(e.getName());
                byte[] data = zip.readAllBytes();
                if (e.getName().endsWith(".npy")) {
                    assertEquals((byte) 0x93, data[0]);
                    assertEquals("NUMPY", new String(data, 1, 5, java.nio.charset.StandardCharsets.US_ASCII));
                }
            }
        }
        assertEquals(Set.of("voice.json", "speaker_embedding.npy", "ref_codes.npy"), names);
    }

    @Test
    void givenBrokenFiles_whenRead_thenIOExceptionSaysWhy() throws Exception {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> VoicePromptFile.read(tmp.resolve("none.q3v")));
        IOException notZip = assertThrows(IOException.class, () -> VoicePromptFile.fromBytes("hello".getBytes(), "h.q3v"));
        assertTrue(notZip.getMessage().contains("not a q3tts voice file"), notZip.getMessage());

        byte[] good = VoicePromptFile.toBytes(fromClip(false), bundle.manifest(), null);
        byte[] futureVersion = rewriteJson(good, "\"format_version\" : 1", "\"format_version\" : 2");
        IOException v = assertThrows(IOException.class, () -> VoicePromptFile.fromBytes(futureVersion, "v2.q3v"));
        assertTrue(v.getMessage().contains("format version 2"), v.getMessage());
        byte[] noText = rewriteJson(good, "\"ref_text\" : \"The quick brown fox jumps over the lazy dog.\"", "\"ref_text\" : null");
        assertThrows(IOException.class, () -> VoicePromptFile.fromBytes(noText, "icl-without-text.q3v"));
        Files.write(tmp.resolve("truncated.q3v"), java.util.Arrays.copyOf(good, good.length / 2));
        assertThrows(IOException.class, () -> VoicePromptFile.read(tmp.resolve("truncated.q3v")));
    }

    /** Rewrites voice.json inside the archive, keeping the other entries. */
    private static byte[] rewriteJson(byte[] zipBytes, String from, String to) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zipBytes));
             java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] data = in.readAllBytes();
                if (e.getName().equals("voice.json")) {
                    String json = new String(data, java.nio.charset.StandardCharsets.UTF_8);
                    assertTrue(json.contains(from), json);
                    data = json.replace(from, to).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(data);
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
