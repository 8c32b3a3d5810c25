package io.q3tts.adapters.inference.onnx.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.engine.TestPaths;
import io.q3tts.adapters.inference.onnx.io.Npy;
import io.q3tts.adapters.inference.onnx.io.ReferenceAudio;
import io.q3tts.adapters.inference.onnx.io.WavAudio;
import io.q3tts.adapters.inference.onnx.io.WavReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The codec against the official fixtures: chunked decode, ICL cut, streaming vs single pass, encode. */
class CodecParityTest {

    /** See OfficialParityTest.WAVE_TOL: the exported codec graph's own distance from PyTorch. */
    private static final double WAVE_TOL = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static OrtRuntime runtime;
    private static Bundle bundle;

    @BeforeAll
    static void open() {
        Path dir = TestPaths.requireBundle("codec");
        runtime = new OrtRuntime(OnnxRuntimeConfig.cpu());
        bundle = Bundle.open(dir, runtime);
    }

    @AfterAll
    static void close() {
        if (bundle != null) {
            bundle.close();
        }
    }

    private static int[][] frames(JsonNode arr) {
        int[][] out = new int[arr.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode r = arr.get(i);
            out[i] = new int[r.size()];
            for (int j = 0; j < r.size(); j++) {
                out[i][j] = r.get(j).asInt();
            }
        }
        return out;
    }

    @Test
    void givenThe350FrameFixture_whenDecodedOfficially_thenSegmentsAndFrameStatsMatch() throws Exception {
        Path fx = TestPaths.requireFixture("codec/decode_random.json");
        JsonNode j = JSON.readTree(fx.toFile());
        int[][] codes = frames(j.path("codes"));
        float[] wav = new CodecDecoder(bundle).decode(codes);
        assertEquals(j.path("samples").asInt(), wav.length);
        float[] segs;
        try (Npy n = Npy.open(fx.resolveSibling(j.path("waveform_segments_file").asText()))) {
            segs = n.toFloatArray();
        }
        double max = 0;
        int o = 0;
        for (JsonNode seg : j.path("waveform_segments")) {
            int a = seg.get(0).asInt();
            int b = seg.get(1).asInt();
            for (int i = a; i < b; i++) {
                max = Math.max(max, Math.abs(wav[i] - segs[o++]));
            }
        }
        assertEquals(segs.length, o);
        int spf = j.path("samples_per_frame").asInt();
        double maxMean = 0;
        for (int f = 0; f < codes.length; f++) {
            double sum = 0;
            for (int i = 0; i < spf; i++) {
                sum += wav[f * spf + i];
            }
            maxMean = Math.max(maxMean, Math.abs(sum / spf - j.path("frame_mean").get(f).asDouble()));
        }
        System.out.printf("CODEC decode_random: segment max diff %.3e, frame-mean max diff %.3e%n", max, maxMean);
        assertTrue(max < WAVE_TOL, "segment max diff " + max);
        assertTrue(maxMean < WAVE_TOL, "frame mean max diff " + maxMean);
    }

    @Test
    void givenTheOfficialBatchedDecode_whenTheRowsAreDecodedAsABatch_thenEveryRowMatchesIt() throws Exception {
        Path fx = TestPaths.requireFixture("codec/decode_batch.json");
        JsonNode j = JSON.readTree(fx.toFile());
        int[][] all = frames(JSON.readTree(fx.resolveSibling(j.path("codes_from").asText()).toFile()).path("codes"));
        List<int[][]> rows = new ArrayList<>();
        for (JsonNode r : j.path("rows")) {
            int from = r.path("offset").asInt();
            rows.add(java.util.Arrays.copyOfRange(all, from, from + r.path("frames").asInt()));
        }
        CodecDecoder d = new CodecDecoder(bundle);
        assertTrue(d.batched(), "the demo codec's decoder graph takes a batch (re-run tools/make-reference)");
        List<float[]> wavs = d.decodeBatch(rows);
        float[] segs;
        try (Npy n = Npy.open(fx.resolveSibling(j.path("waveform_segments_file").asText()))) {
            segs = n.toFloatArray();
        }
        int spf = j.path("samples_per_frame").asInt();
        double maxSeg = 0;
        double maxMean = 0;
        double maxAlone = 0;
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = j.path("rows").get(i);
            float[] wav = wavs.get(i);
            assertEquals(r.path("samples").asInt(), wav.length, "row " + i);
            int a = r.path("segment").get(0).asInt();
            int b = r.path("segment").get(1).asInt();
            int o = r.path("segment_offset").asInt();
            for (int k = a; k < b; k++) {
                maxSeg = Math.max(maxSeg, Math.abs(wav[k] - segs[o + k - a]));
            }
            for (int f = 0; f < rows.get(i).length; f++) {
                double sum = 0;
                for (int k = 0; k < spf; k++) {
                    sum += wav[f * spf + k];
                }
                maxMean = Math.max(maxMean, Math.abs(sum / spf - r.path("frame_mean").get(f).asDouble()));
            }
            float[] alone = d.decode(rows.get(i));
            assertEquals(alone.length, wav.length);
            for (int k = 0; k < wav.length; k++) {
                maxAlone = Math.max(maxAlone, Math.abs(alone[k] - wav[k]));
            }
        }
        System.out.printf("CODEC decode_batch: segment max diff %.3e, frame-mean max diff %.3e, batched vs alone %.3e%n",
                maxSeg, maxMean, maxAlone);
        assertTrue(maxSeg < WAVE_TOL, "segment max diff " + maxSeg);
        assertTrue(maxMean < WAVE_TOL, "frame mean max diff " + maxMean);
        assertTrue(maxAlone < WAVE_TOL, "batched vs alone max diff " + maxAlone);
    }

    @Test
    void givenADecoderGraphOfBatchOne_thenItIsNotBatched() {
        // Bundles exported before the batched decoder have codes [1, Q, T]: their rows decode one by one.
        assertEquals(false, CodecDecoder.batchedShape(new long[] {1, 16, -1}));
        assertEquals(true, CodecDecoder.batchedShape(new long[] {-1, 16, -1}));
    }

    @Test
    void givenRowsOfMixedLengths_whenDecodedAsABatch_thenEachEqualsItsDecodeAloneAndEmptyRowsStayEmpty() {
        List<int[][]> rows = new ArrayList<>();
        for (int len : new int[] {7, 0, 12, 11, 1, 305}) {
            int[][] codes = new int[len][16];
            for (int f = 0; f < len; f++) {
                for (int q = 0; q < 16; q++) {
                    codes[f][q] = (f * 37 + q * 11 + len) % 2048;
                }
            }
            rows.add(codes);
        }
        CodecDecoder d = new CodecDecoder(bundle);
        List<float[]> wavs = d.decodeBatch(rows);
        assertEquals(rows.size(), wavs.size());
        double max = 0;
        for (int i = 0; i < rows.size(); i++) {
            float[] alone = d.decode(rows.get(i));
            assertEquals(alone.length, wavs.get(i).length, "row " + i);
            for (int k = 0; k < alone.length; k++) {
                max = Math.max(max, Math.abs(alone[k] - wavs.get(i)[k]));
            }
        }
        assertEquals(0, wavs.get(1).length);
        System.out.printf("CODEC mixed-length batch vs alone: max diff %.3e%n", max);
        assertTrue(max < WAVE_TOL, "batched vs alone max diff " + max);
        assertThrows(io.q3tts.ports.model.InvalidArgumentException.class,
                () -> d.decodeBatch(List.of(new int[][] {new int[16]}, new int[][] {new int[15]})));
    }

    @Test
    void givenFramesPastOneChunk_whenDecodedOfficially_thenTheChunkBoundaryUsesLeftContext() {
        int[][] codes = new int[330][16];
        for (int f = 0; f < codes.length; f++) {
            for (int q = 0; q < 16; q++) {
                codes[f][q] = (f * 31 + q * 7) % 2048;
            }
        }
        CodecDecoder d = new CodecDecoder(bundle);
        float[] official = d.decode(codes);
        float[] first = d.decodeSinglePass(java.util.Arrays.copyOfRange(codes, 0, 300));
        float[] second = d.decodeSinglePass(java.util.Arrays.copyOfRange(codes, 275, 330));
        assertEquals(330 * 1920, official.length);
        for (int i = 0; i < first.length; i++) {
            assertEquals(first[i], official[i], 0.0);
        }
        for (int i = 25 * 1920; i < second.length; i++) {
            assertEquals(second[i], official[300 * 1920 + i - 25 * 1920], 0.0);
        }
    }

    @Test
    void givenTheIclCutFormula_thenItTruncatesLikePython() {
        assertEquals((int) (10.0 / 18 * 34560), CodecDecoder.iclCut(10, 18, 34560));
        assertEquals(0, CodecDecoder.iclCut(0, 0, 0));
        // int(7 / 9 * 17280) in Python = 13440
        assertEquals(13440, CodecDecoder.iclCut(7, 9, 17280));
    }

    @Test
    void givenAStream_whenDecodedInChunks_thenItEqualsOneDecoderPass() {
        int[][] codes = new int[40][16];
        for (int f = 0; f < codes.length; f++) {
            for (int q = 0; q < 16; q++) {
                codes[f][q] = (f * 131 + q * 17 + 5) % 2048;
            }
        }
        float[] single = new CodecDecoder(bundle).decodeSinglePass(codes);
        double max = 0;
        for (int[] chunking : new int[][] {{1, 1}, {2, 4}, {4, 7}, {40, 40}}) {
            try (StreamingCodecDecoder s = new StreamingCodecDecoder(bundle, chunking[0], chunking[1])) {
                float[] streamed = s.decodeAll(codes);
                assertEquals(single.length, streamed.length);
                for (int i = 0; i < single.length; i++) {
                    max = Math.max(max, Math.abs(single[i] - streamed[i]));
                }
            }
        }
        System.out.printf("CODEC streaming vs single pass: max diff %.3e%n", max);
        // The math is exact (the codec export's fp64 test shows 4e-14); what remains is fp32 rounding,
        // amplified by the untrained demo codec.
        assertTrue(max < 1e-4, "streaming differs from a single pass by " + max);
    }

    @Test
    void givenPrimedContext_whenStreaming_thenTheAudioContinuesOnePassOverContextAndFrames() {
        int[][] codes = new int[30][16];
        for (int f = 0; f < codes.length; f++) {
            for (int q = 0; q < 16; q++) {
                codes[f][q] = (f * 71 + q * 13 + 3) % 2048;
            }
        }
        float[] single = new CodecDecoder(bundle).decodeSinglePass(codes);
        int context = 11;
        try (StreamingCodecDecoder s = new StreamingCodecDecoder(bundle, 3, 5)) {
            s.prime(java.util.Arrays.copyOfRange(codes, 0, context));
            float[] out = new float[0];
            int[] reused = new int[16];
            int firstChunkAt = -1;
            for (int f = context; f < codes.length; f++) {
                System.arraycopy(codes[f], 0, reused, 0, 16);
                float[] got = s.push(reused); // the decoder copies: reusing the array is allowed
                if (got.length > 0 && firstChunkAt < 0) {
                    firstChunkAt = f - context + 1;
                }
                out = concat(out, got);
            }
            out = concat(out, s.flush());
            assertEquals(3, firstChunkAt, "priming does not count towards the first chunk");
            assertEquals((codes.length - context) * 1920, out.length);
            double max = 0;
            for (int i = 0; i < out.length; i++) {
                max = Math.max(max, Math.abs(out[i] - single[context * 1920 + i]));
            }
            assertTrue(max < 1e-4, "primed stream differs from a single pass by " + max);
            assertThrows(IllegalStateException.class, () -> s.prime(codes));
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void givenThe24kClip_whenEncoded_thenCodesEqualTheOfficialOnes() throws Exception {
        Path fx = TestPaths.requireFixture("codec/encode_ref_24k_mono.json");
        JsonNode j = JSON.readTree(fx.toFile());
        WavAudio wav = WavReader.read(TestPaths.fixtures().resolve(j.path("file").asText()));
        assertEquals(24_000, wav.sampleRate());
        int[][] codes = new CodecEncoder(bundle).encode(wav.samples());
        int[][] ref = frames(j.path("codes"));
        assertEquals(ref.length, codes.length);
        for (int f = 0; f < ref.length; f++) {
            assertArrayEquals(ref[f], codes[f], "frame " + f);
        }
    }

    /**
     * Every fixture clip, at any rate and channel count, from the file as {@code q3tts encode} and
     * a clone reference take it (read, mixed, resampled like librosa): the official codes, and the
     * official number of frames, which a one-sample resampling difference can change.
     */
    @TestFactory
    Stream<DynamicTest> givenEveryClip_whenEncodedFromTheFile_thenCodesEqualTheOfficialOnes() throws Exception {
        JsonNode encode = JSON.readTree(TestPaths.requireFixture("index.json").toFile()).path("codec").path("encode");
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : encode.properties()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                JsonNode j = JSON.readTree(TestPaths.fixtures().resolve(e.getValue().asText()).toFile());
                WavAudio wav = WavReader.read(TestPaths.fixtures().resolve(j.path("file").asText()));
                int[][] codes = new CodecEncoder(bundle).encode(ReferenceAudio.to24k(wav.samples(), wav.sampleRate(), "audio"));
                int[][] ref = frames(j.path("codes"));
                assertEquals(ref.length, codes.length, e.getKey() + ": frames");
                for (int f = 0; f < ref.length; f++) {
                    assertArrayEquals(ref[f], codes[f], e.getKey() + ": frame " + f);
                }
            }));
        }
        return tests.stream();
    }
}
