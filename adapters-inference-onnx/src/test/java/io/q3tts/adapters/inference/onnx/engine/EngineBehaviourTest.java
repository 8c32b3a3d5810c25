package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.text.TextTokenizer;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.out.inference.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Engine behaviour on the random-weight CustomVoice demo bundle. */
class EngineBehaviourTest {

    private static Bundle bundle;
    private static TextTokenizer tokenizer;
    private static Qwen3TtsEngine engine;
    private static Qwen3TtsEngine bound;

    @BeforeAll
    static void open() throws Exception {
        bundle = Bundle.open(TestPaths.requireBundle("custom-voice"), new OrtRuntime(OnnxRuntimeConfig.cpu()));
        tokenizer = TextTokenizer.load(bundle.tokenizerFile());
        engine = new Qwen3TtsEngine(bundle, tokenizer, PredictorMode.FUSED);
        bound = new Qwen3TtsEngine(bundle, tokenizer, PredictorMode.FUSED, TalkerPath.IO_BINDING);
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

    private static GenerationSettings settings(SamplingParams p, int max, RunawayGuard guard) {
        return GenerationSettings.of(bundle.manifest(), p, max, guard);
    }

    @Test
    void givenAnUnknownLanguage_whenPrompted_thenTheErrorListsTheSupportedOnes() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> engine.customVoicePrompt("hi", "ryan", "klingon", null, false));
        assertEquals("language", e.field());
        assertTrue(e.getMessage().contains("auto, chinese, english"), e.getMessage());
        // a dialect key cannot be requested directly
        assertThrows(InvalidArgumentException.class, () -> engine.customVoicePrompt("hi", "eric", "sichuan_dialect", null, false));
    }

    @Test
    void givenAnUnknownSpeaker_whenPrompted_thenTheErrorListsTheSpeakers() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> engine.customVoicePrompt("hi", "bob", "english", null, false));
        assertEquals("speaker", e.field());
        assertTrue(e.getMessage().contains("aiden, dylan, eric"), e.getMessage());
    }

    @Test
    void givenADialectSpeaker_whenChineseOrAuto_thenTheDialectIdIsUsed() {
        VoiceCatalog v = engine.voices();
        assertEquals(2062, v.languageId("chinese", v.speaker("Eric")));
        assertEquals(2074, v.languageId("auto", v.speaker("dylan")));
        assertEquals(2050, v.languageId("english", v.speaker("eric")));
        assertEquals(null, v.languageId("AUTO", v.speaker("ryan")));
    }

    @Test
    void givenTheWrongTask_whenPrompted_thenUnsupported() {
        assertThrows(UnsupportedException.class, () -> engine.voiceDesignPrompt("hi", "warm", "english", false));
    }

    @Test
    void givenTheSmallCustomVoiceModel_whenAnInstructIsGiven_thenItIsDropped() {
        TalkerPrompt with = engine.customVoicePrompt("Hello.", "ryan", "english", "Speak happily.", false);
        TalkerPrompt without = engine.customVoicePrompt("Hello.", "ryan", "english", null, false);
        assertArrayEquals(without.embeds(), with.embeds());
    }

    @Test
    void givenGreedyDecoding_whenListening_thenEveryFrameIsReportedInOrder() {
        TalkerPrompt p = engine.customVoicePrompt("Hello there.", "ryan", "english", null, false);
        List<Integer> seen = new ArrayList<>();
        GeneratedCodes out = engine.generate(p, settings(SamplingParams.greedy(), 12, null),
                (i, codes, elapsed) -> {
                    assertEquals(16, codes.length);
                    assertTrue(elapsed > 0);
                    seen.add(i);
                }, null, CancellationToken.none());
        assertTrue(out.frameCount() <= 11);
        assertEquals(out.frameCount(), seen.size());
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i, seen.get(i));
        }
        float[] wav = engine.decode(out.frames(), null);
        assertEquals(out.frameCount() * 1920, wav.length);
    }

    @Test
    void givenASeed_whenSampling_thenTheCodesAreReproducible() {
        TalkerPrompt p = engine.customVoicePrompt("Hello there.", "ryan", "english", null, false);
        SamplingParams s = SamplingParams.defaults().withSeed(1234);
        GeneratedCodes a = engine.generate(p, settings(s, 10, null), null, null, CancellationToken.none());
        GeneratedCodes b = engine.generate(p, settings(s, 10, null), null, null, CancellationToken.none());
        assertEquals(a.frameCount(), b.frameCount());
        for (int f = 0; f < a.frameCount(); f++) {
            assertArrayEquals(a.frames()[f], b.frames()[f]);
        }
    }

    @Test
    void givenARunawayGuard_whenTheLimitIsReached_thenGenerationStops() {
        TalkerPrompt p = engine.customVoicePrompt("Hi.", "ryan", "english", null, false);
        // min_new_tokens keeps EOS away for the first decisions, so 2 frames are always possible
        GeneratedCodes out = engine.generate(p, settings(SamplingParams.greedy(), 100, new RunawayGuard(2, 0)),
                null, null, CancellationToken.none());
        assertTrue(out.frameCount() <= 2);
        if (out.frameCount() == 2) {
            assertEquals(StopReason.RUNAWAY_GUARD, out.stopReason());
        }
    }

    @Test
    void givenACancelledToken_whenAFrameArrives_thenGenerationStopsWithCancelled() {
        TalkerPrompt p = engine.customVoicePrompt("Hello there, how are you?", "ryan", "english", null, false);
        CancellationToken token = CancellationToken.create();
        assertThrows(CancelledException.class, () -> engine.generate(p, settings(SamplingParams.greedy(), 50, null),
                (i, codes, elapsed) -> token.cancel(), null, token));
    }

    @Test
    void givenTheIoBindingTalker_whenSamplingWithASeed_thenTheCodesEqualTheJavaBindingTalker() {
        TalkerPrompt p = engine.customVoicePrompt("Hello there, how are you?", "ryan", "english", null, false);
        SamplingParams s = SamplingParams.defaults().withSeed(99);
        GeneratedCodes a = engine.generate(p, settings(s, 24, null), null, null, CancellationToken.none());
        GeneratedCodes b = bound.generate(p, settings(s, 24, null), null, null, CancellationToken.none());
        assertEquals(TalkerPath.IO_BINDING, bound.talkerPath());
        assertEquals(a.frameCount(), b.frameCount());
        for (int f = 0; f < a.frameCount(); f++) {
            assertArrayEquals(a.frames()[f], b.frames()[f]);
        }
    }

    @Test
    void givenTheIoBindingTalker_whenCancelledOnAFrame_thenGenerationStopsWithCancelled() {
        TalkerPrompt p = bound.customVoicePrompt("Hello there, how are you?", "ryan", "english", null, false);
        CancellationToken token = CancellationToken.create();
        assertThrows(CancelledException.class, () -> bound.generate(p, settings(SamplingParams.greedy(), 50, null),
                (i, codes, elapsed) -> token.cancel(), null, token));
    }

    @Test
    void givenMaxNewTokens_whenNoEos_thenFramesAreAtMostMaxMinusOne() {
        TalkerPrompt p = engine.customVoicePrompt("Hello there.", "ryan", "english", null, true);
        GeneratedCodes out = engine.generate(p, settings(SamplingParams.greedy(), 3, null), null, null, CancellationToken.none());
        assertTrue(out.frameCount() <= 2);
        if (out.stopReason() == StopReason.MAX_NEW_TOKENS) {
            assertEquals(2, out.frameCount());
        }
    }
}
