package io.q3tts.domain.synthesis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.TaskType;
import io.q3tts.ports.out.inference.VoicePrompt;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The row-length estimate the scheduler's KV budget is built on. */
class ExpectedPositionsTest {

    @Test
    void aShortLineIsBoundedByTheRunawayGuardAndALongOneByMaxNewTokens() {
        SynthesisRequest shortLine = SynthesisRequest.builder(TaskType.CUSTOM_VOICE, "Hello there.").speaker("ryan").build();
        assertEquals(32 + 12 + (100 + 10 * 12), SynthesisJobRunner.expectedPositions(shortLine));
        String text = "x".repeat(400);
        SynthesisRequest longLine = SynthesisRequest.builder(TaskType.CUSTOM_VOICE, text).speaker("ryan").maxNewTokens(300).build();
        assertEquals(32 + 400 + 300, SynthesisJobRunner.expectedPositions(longLine));
    }

    @Test
    void instructAndAVoicePromptCountToo() {
        SynthesisRequest designed = SynthesisRequest.builder(TaskType.VOICE_DESIGN, "Hi.").instruct("A calm voice.").build();
        assertEquals(32 + 3 + 13 + 130, SynthesisJobRunner.expectedPositions(designed));
        SynthesisRequest cloned = SynthesisRequest.builder(TaskType.VOICE_CLONE, "Hi.")
                .voicePrompt(new VoicePrompt.ReferenceAudio(Path.of("ref.wav"), "Reference words.", false)).build();
        assertEquals(32 + 3 + SynthesisJobRunner.REFERENCE_ALLOWANCE + 16 + 130, SynthesisJobRunner.expectedPositions(cloned));
    }
}
