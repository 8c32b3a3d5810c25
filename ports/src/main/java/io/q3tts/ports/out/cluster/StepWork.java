package io.q3tts.ports.out.cluster;

import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.VoicePrompt;
import java.util.Objects;

/** What a {@link Step} asks the worker to do. */
public sealed interface StepWork {

    /**
     * Synthesize one request.
     *
     * @param request the request; for a voice clone its {@link SynthesisRequest#voicePrompt()} is
     *     {@code VoicePrompt.Saved(voice.id())}, the voice being carried in {@code voice}
     * @param voice the reference voice for a voice clone, else null
     */
    record Synthesize(SynthesisRequest request, VoiceClip voice) implements StepWork {

        /** @throws IllegalArgumentException if a clone request does not name the carried voice */
        public Synthesize {
            Objects.requireNonNull(request, "request");
            if (request.voicePrompt() != null
                    && !(voice != null && request.voicePrompt() instanceof VoicePrompt.Saved(String id) && id.equals(voice.id()))) {
                throw new IllegalArgumentException("a clone step carries its voice and names it as VoicePrompt.Saved(voice.id())");
            }
        }
    }

    /**
     * Encode a reference recording into a clone prompt.
     *
     * @param reference the recording, its transcript and mode
     */
    record EncodePrompt(VoiceClip reference) implements StepWork {

        /** @throws NullPointerException if the reference is missing */
        public EncodePrompt {
            Objects.requireNonNull(reference, "reference");
        }
    }
}
