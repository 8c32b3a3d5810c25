package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.codec.CodecDecoder;
import io.q3tts.adapters.inference.onnx.text.TextTokenizer;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.out.inference.SamplingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A bundle exported with {@code tools/export --int8} (8-bit MatMulNBits talker and code predictor;
 * fixtures/bundles/custom-voice-int8, made by tools/make-reference from the demo checkpoint) runs
 * through the same engine on the CPU. int8 is not a parity path, so the test checks that it loads,
 * generates and decodes, and that it stays close to the fp32 bundle: greedy decoding picks the same
 * first frame.
 */
class Int8BundleTest {

    private static final int FRAMES = 12;

    private static GeneratedCodes generate(Path dir, PredictorMode mode) throws Exception {
        try (Bundle bundle = Bundle.open(dir, new OrtRuntime(OnnxRuntimeConfig.cpu()));
             TextTokenizer tokenizer = TextTokenizer.load(bundle.tokenizerFile())) {
            Qwen3TtsEngine engine = new Qwen3TtsEngine(bundle, tokenizer, mode);
            TalkerPrompt p = engine.customVoicePrompt("Hello there, this is a test.", "ryan", "english", null, false);
            GeneratedCodes codes = engine.generate(p, GenerationSettings.of(bundle.manifest(), SamplingParams.greedy(),
                    FRAMES + 1, null).withEosSuppressed(), null, null, CancellationToken.none());
            float[] wav = new CodecDecoder(bundle).decode(codes.frames());
            assertEquals(FRAMES * bundle.manifest().samplesPerFrame(), wav.length, "decoded length");
            for (float v : wav) {
                assertTrue(Float.isFinite(v), "finite audio");
            }
            return codes;
        }
    }

    @Test
    void anInt8BundleGeneratesAndStartsLikeItsFp32Source() throws Exception {
        Path int8 = TestPaths.fixtures().resolve("bundles/custom-voice-int8");
        assertTrue(Files.isRegularFile(int8.resolve("manifest.json")), "committed fixture " + int8);
        assertTrue(Files.readString(int8.resolve("manifest.json")).contains("\"int8\""), "the manifest says int8");
        GeneratedCodes q = generate(int8, PredictorMode.FUSED);
        GeneratedCodes stepwise = generate(int8, PredictorMode.STEPWISE);
        GeneratedCodes fp32 = generate(TestPaths.requireBundle("custom-voice"), PredictorMode.FUSED);
        assertEquals(FRAMES, q.frameCount());
        assertArrayEquals(fp32.frames()[0], q.frames()[0], "greedy picks the fp32 bundle's first frame");
        assertArrayEquals(q.frames()[0], stepwise.frames()[0], "fused and stepwise predictors agree on int8 too");
    }
}
