package io.q3tts.ports.out.inference;

import io.q3tts.ports.model.InvalidArgumentException;
import java.nio.file.Path;

/** Where a {@link TaskType#VOICE_CLONE} request gets its voice from. */
public sealed interface VoicePrompt {

    /**
     * A voice prompt computed earlier and stored under an id, so the reference audio need not be
     * encoded again.
     *
     * @param voiceId the stored voice's id, not blank
     */
    record Saved(String voiceId) implements VoicePrompt {
        /** @throws InvalidArgumentException if the id is blank */
        public Saved {
            if (voiceId == null || voiceId.isBlank()) {
                throw new InvalidArgumentException("voice_id", "voice_id must not be empty.");
            }
        }
    }

    /**
     * A reference recording to clone from. In ICL mode ({@code xVectorOnly == false}, the official
     * default) the model also continues the reference codec frames and needs their transcript; in
     * x-vector-only mode only the speaker embedding is used and the transcript is ignored.
     *
     * @param audio a WAV file, any rate and channel count, never null
     * @param transcript what is said in {@code audio}; required unless {@code xVectorOnly}
     * @param xVectorOnly use only the speaker embedding (lower quality, no transcript needed)
     */
    record ReferenceAudio(Path audio, String transcript, boolean xVectorOnly) implements VoicePrompt {
        /** @throws InvalidArgumentException if the audio is missing, or ICL mode lacks a transcript */
        public ReferenceAudio {
            if (audio == null) {
                throw new InvalidArgumentException("ref_audio", "ref_audio is required for voice cloning.");
            }
            if (!xVectorOnly && (transcript == null || transcript.isBlank())) {
                throw new InvalidArgumentException("ref_text",
                        "ref_text (the transcript of the reference audio) is required unless x-vector-only mode is used.");
            }
        }
    }
}
