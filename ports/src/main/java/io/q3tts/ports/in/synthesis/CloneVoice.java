package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;

/** Which voice a clone request copies: a saved voice, or a reference uploaded with the request. */
public sealed interface CloneVoice {

    /**
     * A voice from the library; its cached clone prompt is reused.
     *
     * @param voiceId the voice id (field {@code voice})
     */
    record SavedVoice(String voiceId) implements CloneVoice {
        /** @throws InvalidArgumentException (field {@code voice}) if malformed */
        public SavedVoice {
            Ids.requireSafe(voiceId, "voice");
        }
    }

    /**
     * A one-off reference recording; it is stored with the run's output, not in the library.
     *
     * @param audio the recording (field {@code ref_audio}), never null
     * @param transcript what is said in it (field {@code ref_text}); required unless {@code xVectorOnly}
     * @param xVectorOnly clone from the speaker embedding only
     */
    record UploadedReference(AudioUpload audio, String transcript, boolean xVectorOnly) implements CloneVoice {
        /** @throws InvalidArgumentException naming {@code ref_audio} or {@code ref_text} */
        public UploadedReference {
            if (audio == null) {
                throw new InvalidArgumentException("ref_audio", "ref_audio (the reference recording) is required.");
            }
            transcript = transcript == null || transcript.isBlank() ? null : transcript.strip();
            if (!xVectorOnly && transcript == null) {
                throw new InvalidArgumentException("ref_text",
                        "ref_text (the transcript of the reference audio) is required unless x_vector_only_mode is on.");
            }
            if (transcript != null && transcript.length() > SynthesisLimits.MAX_TEXT_LENGTH) {
                throw new InvalidArgumentException("ref_text", "ref_text is too long.");
            }
        }
    }
}
