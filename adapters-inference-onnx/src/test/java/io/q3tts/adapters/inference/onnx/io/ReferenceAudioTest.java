package io.q3tts.adapters.inference.onnx.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.adapters.inference.onnx.engine.TestPaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A reference clip file through {@link WavReader} and {@link ReferenceAudio} against what the
 * official loader made of it (fixtures/resample, recorded by {@code tools/make-reference}):
 * {@code librosa.load(sr=None, mono=True)} bit for bit where recorded (the multi-channel clips) and
 * {@code librosa.resample} to 24 kHz with the same length and samples within 1e-5.
 */
class ReferenceAudioTest {

    private static final double TOL = 1e-5;

    @TestFactory
    Stream<DynamicTest> everyClipLoadsAndResamplesLikeTheOfficialCode() throws Exception {
        JsonNode index = new ObjectMapper().readTree(TestPaths.requireFixture("index.json").toFile());
        JsonNode resample = index.path("resample");
        assertTrue(resample.size() >= 5, "index.json lists the resampled clips");
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : resample.properties()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> check(e.getKey(), e.getValue())));
        }
        return tests.stream();
    }

    private static void check(String name, JsonNode entry) throws Exception {
        Path fixtures = TestPaths.fixtures();
        WavAudio wav = WavReader.read(fixtures.resolve(entry.path("file").asText()));
        assertEquals(entry.path("sample_rate").asInt(), wav.sampleRate(), name + ": rate");
        assertEquals(entry.path("loaded_samples").asInt(), wav.samples().length, name + ": loaded length");
        if (entry.path("loaded").isTextual()) {
            // Recorded for multi-channel clips, where the loader's float32 channel mean matters.
            float[] loaded = npy(fixtures.resolve(entry.path("loaded").asText()));
            for (int i = 0; i < loaded.length; i++) {
                if (Float.floatToIntBits(loaded[i]) != Float.floatToIntBits(wav.samples()[i])) {
                    throw new AssertionError(name + ": sample " + i + " is " + wav.samples()[i] + ", librosa.load gives " + loaded[i]);
                }
            }
        }
        float[] official = npy(fixtures.resolve(entry.path("resampled").asText()));
        float[] ours = ReferenceAudio.to24k(wav.samples(), wav.sampleRate(), "ref_audio");
        assertEquals(official.length, ours.length, name + ": resampled length");
        double max = 0;
        for (int i = 0; i < ours.length; i++) {
            max = Math.max(max, Math.abs(ours[i] - official[i]));
        }
        assertTrue(max <= TOL, name + ": resampled max diff " + max);
    }

    private static float[] npy(Path file) throws Exception {
        try (Npy n = Npy.open(file)) {
            return n.toFloatArray();
        }
    }
}
