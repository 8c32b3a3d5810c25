package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.text.TextTokenizer;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.out.inference.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The benchmark switches of the frame loop: timing statistics and a fixed length. */
class GenerationStatsTest {

    private static Bundle bundle;
    private static TextTokenizer tokenizer;

    @BeforeAll
    static void open() throws Exception {
        bundle = Bundle.open(TestPaths.requireBundle("custom-voice"), new OrtRuntime(OnnxRuntimeConfig.cpu()));
        tokenizer = TextTokenizer.load(bundle.tokenizerFile());
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

    private static GeneratedCodes generate(PredictorMode mode, GenerationSettings settings) {
        Qwen3TtsEngine engine = new Qwen3TtsEngine(bundle, tokenizer, mode);
        TalkerPrompt p = engine.customVoicePrompt("Hello there.", "ryan", "english", null, false);
        return engine.generate(p, settings, null, null, CancellationToken.none());
    }

    private static GenerationSettings settings(int maxNewTokens) {
        return GenerationSettings.of(bundle.manifest(), SamplingParams.greedy(), maxNewTokens, null);
    }

    @Test
    void givenStatsOff_whenGenerating_thenNoneAreReturned() {
        assertNull(generate(PredictorMode.FUSED, settings(5)).stats());
    }

    @Test
    void givenEosSuppressed_whenGenerating_thenEosIsMaskedAtEveryDecisionAndTheLengthIsFixed() {
        int eos = bundle.manifest().codecTokens().eos();
        Qwen3TtsEngine engine = new Qwen3TtsEngine(bundle, tokenizer, PredictorMode.FUSED);
        TalkerPrompt p = engine.customVoicePrompt("Hello there.", "ryan", "english", null, false);
        List<Float> normal = new ArrayList<>();
        engine.generate(p, settings(8), null, (d, g, scores, chosen) -> {
            normal.add(scores[eos]);
            return chosen;
        }, CancellationToken.none());
        List<Float> fixed = new ArrayList<>();
        GeneratedCodes out = engine.generate(p, settings(8).withEosSuppressed(), null, (d, g, scores, chosen) -> {
            fixed.add(scores[eos]);
            return chosen;
        }, CancellationToken.none());
        assertEquals(7, out.frameCount());
        assertEquals(StopReason.MAX_NEW_TOKENS, out.stopReason());
        assertEquals(8, fixed.size());
        assertTrue(fixed.stream().allMatch(v -> v == Float.NEGATIVE_INFINITY), fixed.toString());
        // normal settings: the official min_new_tokens = 2 masks only the first two decisions
        assertTrue(normal.subList(2, normal.size()).stream().allMatch(Float::isFinite), normal.toString());
    }

    @Test
    void givenStatsOn_whenGeneratingFused_thenEveryRunIsCountedAndTheSplitAddsUp() {
        GeneratedCodes out = generate(PredictorMode.FUSED, settings(9).withEosSuppressed().withStats(true));
        GenerationStats s = out.stats();
        assertNotNull(s);
        assertEquals(8, s.frames());
        assertEquals(8, s.talkerRuns());
        assertEquals(8, s.predictorRuns());
        assertTrue(s.prefillRunNanos() > 0 && s.prefillRunNanos() <= s.prefillNanos());
        assertTrue(s.firstFrameNanos() > s.prefillNanos());
        assertTrue(s.talkerNanos() > 0 && s.predictorNanos() > 0);
        assertEquals(s.loopNanos(), s.talkerNanos() + s.predictorNanos() + s.javaNanos());
        assertTrue(s.javaOverheadFraction() >= 0 && s.javaOverheadFraction() < 1);
        assertEquals(out.totalNanos(), s.prefillNanos() + s.loopNanos());
    }

    @Test
    void givenStatsOn_whenGeneratingStepwise_thenFifteenPredictorRunsPerFrame() {
        GenerationStats s = generate(PredictorMode.STEPWISE, settings(4).withEosSuppressed().withStats(true)).stats();
        assertEquals(3, s.frames());
        assertEquals(3 * 15, s.predictorRuns());
    }
}
