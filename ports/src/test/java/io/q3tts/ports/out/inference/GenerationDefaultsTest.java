package io.q3tts.ports.out.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The official wrapper's merge rule for generation_config.json (qwen_tts _merge_generate_kwargs). */
class GenerationDefaultsTest {

    @Test
    void givenNoConfig_thenTheWrappersHardDefaults() {
        GenerationDefaults d = GenerationDefaults.fromGenerationConfig(Map.of());
        assertEquals(GenerationDefaults.official(), d);
        assertTrue(d.sampling().doSample());
        assertEquals(0.9, d.sampling().temperature());
        assertEquals(50, d.sampling().topK());
        assertEquals(1.0, d.sampling().topP());
        assertEquals(1.05, d.sampling().repetitionPenalty());
        assertTrue(d.sampling().subtalkerDoSample());
        assertEquals(2048, d.maxNewTokens());
        assertNull(d.sampling().seed());
    }

    @Test
    void givenSomeKeys_thenEachKeyIsTakenAndTheRestKeepTheHardDefault() {
        GenerationDefaults d = GenerationDefaults.fromGenerationConfig(Map.of(
                "do_sample", false, "subtalker_dosample", false, "repetition_penalty", 1.5, "max_new_tokens", 12,
                "subtalker_top_k", 7, "unrelated_key", "ignored"));
        assertFalse(d.sampling().doSample());
        assertFalse(d.sampling().subtalkerDoSample());
        assertEquals(1.5, d.sampling().repetitionPenalty());
        assertEquals(12, d.maxNewTokens());
        assertEquals(7, d.sampling().subtalkerTopK());
        assertEquals(0.9, d.sampling().temperature());
        assertEquals(50, d.sampling().topK());
    }

    @Test
    void givenTheReleasedCheckpointsConfig_thenItsValues() {
        GenerationDefaults d = GenerationDefaults.fromGenerationConfig(Map.of("do_sample", true, "repetition_penalty", 1.05,
                "temperature", 0.9, "top_p", 1.0, "top_k", 50, "subtalker_dosample", true, "subtalker_temperature", 0.9,
                "subtalker_top_p", 1.0, "subtalker_top_k", 50, "max_new_tokens", 8192));
        assertEquals(8192, d.maxNewTokens());
        assertEquals(SamplingParams.defaults(), d.sampling());
    }

    @Test
    void givenBadValues_thenTheKeyIsNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> GenerationDefaults.fromGenerationConfig(Map.of("do_sample", "yes"))).getMessage().contains("do_sample"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> GenerationDefaults.fromGenerationConfig(Map.of("top_k", 2.5))).getMessage().contains("top_k"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> GenerationDefaults.fromGenerationConfig(Map.of("temperature", 0))).getMessage().contains("temperature"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> GenerationDefaults.fromGenerationConfig(Map.of("max_new_tokens", 0))).getMessage().contains("max_new_tokens"));
    }
}
