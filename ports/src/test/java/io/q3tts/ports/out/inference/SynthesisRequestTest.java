package io.q3tts.ports.out.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.ErrorType;
import io.q3tts.ports.model.InvalidArgumentException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SynthesisRequestTest {

    private static final VoicePrompt REF = new VoicePrompt.ReferenceAudio(Path.of("ref.wav"), "hello", false);

    @Test
    void givenCustomVoice_whenBuilt_thenDefaultsAreFilledAndKeysNormalized() {
        SynthesisRequest r = SynthesisRequest.builder(TaskType.CUSTOM_VOICE, "Hi.").speaker(" Ryan ").language("English").instruct("  ").build();
        assertEquals("ryan", r.speaker());
        assertEquals("english", r.language());
        assertNull(r.instruct());
        assertEquals(SamplingParams.defaults(), r.sampling());
        assertEquals(SynthesisRequest.DEFAULT_MAX_NEW_TOKENS, r.maxNewTokens());
        assertEquals(TextInputMode.TASK_DEFAULT, r.textInputMode());
        assertFalse(r.streamingTextInput());
        assertEquals("auto", SynthesisRequest.builder(TaskType.CUSTOM_VOICE, "x").speaker("a").build().language());
    }

    @Test
    void givenTaskDefaults_whenResolved_thenCloneStreamsAndOthersDoNot() {
        assertTrue(SynthesisRequest.builder(TaskType.VOICE_CLONE, "x").voicePrompt(REF).build().streamingTextInput());
        assertFalse(SynthesisRequest.builder(TaskType.VOICE_DESIGN, "x").instruct("calm").build().streamingTextInput());
        assertTrue(SynthesisRequest.builder(TaskType.VOICE_DESIGN, "x").instruct("calm")
                .textInputMode(TextInputMode.STREAMING).build().streamingTextInput());
    }

    @Test
    void givenMissingOrMisplacedFields_whenBuilt_thenInvalidArgumentNamesTheField() {
        assertField("text", () -> SynthesisRequest.builder(TaskType.CUSTOM_VOICE, " ").speaker("a").build());
        assertField("task", () -> SynthesisRequest.builder(null, "x").build());
        assertField("speaker", () -> SynthesisRequest.builder(TaskType.CUSTOM_VOICE, "x").build());
        assertField("instruct", () -> SynthesisRequest.builder(TaskType.VOICE_DESIGN, "x").build());
        assertField("speaker", () -> SynthesisRequest.builder(TaskType.VOICE_DESIGN, "x").instruct("i").speaker("a").build());
        assertField("ref_audio", () -> SynthesisRequest.builder(TaskType.VOICE_CLONE, "x").build());
        assertField("instruct", () -> SynthesisRequest.builder(TaskType.VOICE_CLONE, "x").voicePrompt(REF).instruct("i").build());
        assertField("ref_audio", () -> SynthesisRequest.builder(TaskType.CUSTOM_VOICE, "x").speaker("a").voicePrompt(REF).build());
        assertField("max_new_tokens", () -> SynthesisRequest.builder(TaskType.CUSTOM_VOICE, "x").speaker("a").maxNewTokens(0).build());
        assertField("ref_text", () -> new VoicePrompt.ReferenceAudio(Path.of("a.wav"), " ", false));
        assertField("voice_id", () -> new VoicePrompt.Saved(""));
        assertField("top_p", () -> new SamplingParams(true, 0.9, 50, 0, 1.05, true, 0.9, 50, 1, null));
        assertField("temperature", () -> new SamplingParams(true, 0, 50, 1, 1.05, true, 0.9, 50, 1, null));
        assertField("subtalker_top_k", () -> new SamplingParams(true, 1, 50, 1, 1.05, true, 0.9, -1, 1, null));
    }

    @Test
    void givenXVectorOnly_whenNoTranscript_thenAccepted() {
        VoicePrompt.ReferenceAudio a = new VoicePrompt.ReferenceAudio(Path.of("a.wav"), null, true);
        assertTrue(a.xVectorOnly());
        assertEquals(42L, SamplingParams.greedy().withSeed(42).seed());
        assertFalse(SamplingParams.greedy().doSample());
    }

    private static void assertField(String field, Executable build) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, build);
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(ErrorType.INVALID_ARGUMENT, e.errorType());
    }
}
