package io.q3tts.ports.in.synthesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SynthesisCommandsTest {

    private static String field(Executable e) {
        return assertThrows(InvalidArgumentException.class, e).field();
    }

    @Test
    void givenACustomVoiceCommand_whenBuilt_thenItIsNormalizedAndDefaultsAreFilled() {
        SynthesizeCustomVoiceCommand c = new SynthesizeCustomVoiceCommand(" ", "Hi.", "English ", " Ryan", "  ", null, null);
        assertNull(c.modelId());
        assertEquals("english", c.language());
        assertEquals("ryan", c.speaker());
        assertNull(c.instruct());
        assertEquals(GenerationOptions.defaults(), c.options());
        assertEquals(AudioFormat.WAV, c.format());
        assertEquals(JobKind.CUSTOM_VOICE, c.kind());
        assertEquals("ryan: Hi.", c.summary());
    }

    @Test
    void givenBadCustomVoiceFields_whenBuilt_thenTheErrorNamesTheApiField() {
        assertEquals("input", field(() -> new SynthesizeCustomVoiceCommand(null, " ", null, "ryan", null, null, null)));
        assertEquals("input", field(() -> new SynthesizeCustomVoiceCommand(null, "x".repeat(SynthesisLimits.MAX_TEXT_LENGTH + 1),
                null, "ryan", null, null, null)));
        assertEquals("voice", field(() -> new SynthesizeCustomVoiceCommand(null, "x", null, null, null, null, null)));
        assertEquals("model", field(() -> new SynthesizeCustomVoiceCommand("../etc", "x", null, "ryan", null, null, null)));
        assertEquals("instructions", field(() -> new SynthesizeCustomVoiceCommand(null, "x", null, "ryan",
                "y".repeat(SynthesisLimits.MAX_INSTRUCT_LENGTH + 1), null, null)));
    }

    @Test
    void givenVoiceDesignWithoutADescription_whenBuilt_thenInstructionsIsNamed() {
        assertEquals("instructions", field(() -> new SynthesizeVoiceDesignCommand(null, "x", null, " ", null, null)));
        assertEquals("a calm voice", new SynthesizeVoiceDesignCommand(null, "x", null, " a calm voice ", null, null).instruct());
    }

    @Test
    void givenVoiceCloneInputs_whenBuilt_thenVoiceAndReferenceAreChecked() {
        assertEquals("voice", field(() -> new SynthesizeVoiceCloneCommand(null, "x", null, null, null, null)));
        assertEquals("voice", field(() -> new CloneVoice.SavedVoice("a/b")));
        assertEquals("ref_audio", field(() -> new CloneVoice.UploadedReference(null, "t", false)));
        assertEquals("ref_text", field(() -> new CloneVoice.UploadedReference(AudioUpload.of("ref_audio", new byte[] {1}), " ", false)));
        CloneVoice.UploadedReference xvec = new CloneVoice.UploadedReference(AudioUpload.of("ref_audio", new byte[] {1}), null, true);
        assertNull(xvec.transcript());
        assertEquals("ref_audio", field(() -> AudioUpload.of("ref_audio", new byte[0])));
        assertEquals("uploaded voice: x", new SynthesizeVoiceCloneCommand(null, "x", null, xvec, null, null).summary());
    }

    @Test
    void givenDesignThenClone_whenBuilt_thenNameDescriptionAndTextAreRequired() {
        assertEquals("name", field(() -> new DesignThenCloneCommand(null, null, " ", "d", "t", null, null)));
        assertEquals("instructions", field(() -> new DesignThenCloneCommand(null, null, "n", null, "t", null, null)));
        assertEquals("input", field(() -> new DesignThenCloneCommand(null, null, "n", "d", "", null, null)));
        assertEquals("clone_model", field(() -> new DesignThenCloneCommand(null, "bad id", "n", "d", "t", null, null)));
        DesignThenCloneCommand c = new DesignThenCloneCommand("design", null, " Wizard ", "d", "t", null, null);
        assertEquals("Wizard", c.voiceName());
        assertEquals("design", c.modelId());
        assertEquals(JobKind.DESIGN_THEN_CLONE, c.kind());
    }

    @Test
    void givenOutOfRangeOptions_whenBuilt_thenTheSnakeCaseFieldIsNamed() {
        assertEquals("temperature", field(() -> GenerationOptions.builder().temperature(0.0).build()));
        assertEquals("subtalker_temperature", field(() -> GenerationOptions.builder().subtalkerTemperature(-1.0).build()));
        assertEquals("top_k", field(() -> GenerationOptions.builder().topK(-1).build()));
        assertEquals("top_p", field(() -> GenerationOptions.builder().topP(1.5).build()));
        assertEquals("subtalker_top_p", field(() -> GenerationOptions.builder().subtalkerTopP(0.0).build()));
        assertEquals("repetition_penalty", field(() -> GenerationOptions.builder().repetitionPenalty(Double.POSITIVE_INFINITY).build()));
        assertEquals("max_new_tokens", field(() -> GenerationOptions.builder().maxNewTokens(0).build()));
        assertEquals("max_new_tokens", field(() -> GenerationOptions.builder()
                .maxNewTokens(SynthesisLimits.MAX_NEW_TOKENS_LIMIT + 1).build()));
        assertEquals("speed", field(() -> GenerationOptions.builder().speed(0.2).build()));
        assertEquals("speed", field(() -> GenerationOptions.builder().speed(4.5).build()));
        assertEquals("speed", field(() -> GenerationOptions.builder().speed(Double.NaN).build()));
        assertEquals(0.25, GenerationOptions.builder().speed(0.25).build().effectiveSpeed());
        assertEquals(1.0, GenerationOptions.defaults().effectiveSpeed());
        assertEquals(0.5, GenerationOptions.builder().temperature(0.5).seed(3L).build().temperature());
    }
}
