package io.q3tts.ports.in.voice;

import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.InvalidArgumentException;

/**
 * Save a voice from an uploaded reference recording. Its id is derived from the name
 * ({@code Ids.slug}); the clone prompt is computed on first use and then cached.
 *
 * @param name display name, 1..64 characters, unique ignoring case (the id is its slug)
 * @param description free text, up to 2000 characters; null means empty
 * @param language the clip's language key; null or blank means {@code "auto"}
 * @param referenceClip the recording (field {@code audio_sample}); any format the decoder reads; 1 to 60 s
 * @param transcript what is said in the clip; required unless {@code xVectorOnly} (field {@code ref_text})
 * @param xVectorOnly clone from the speaker embedding only
 */
public record CreateVoiceCommand(
        String name,
        String description,
        String language,
        AudioUpload referenceClip,
        String transcript,
        boolean xVectorOnly) {

    /**
     * Normalizes and validates.
     *
     * @throws InvalidArgumentException naming the first offending field
     */
    public CreateVoiceCommand {
        name = VoiceFields.name(name);
        description = VoiceFields.maxLength(description == null ? "" : description.strip(), "description",
                VoiceFields.MAX_DESCRIPTION_LENGTH);
        language = language == null || language.isBlank() ? "auto" : language.strip().toLowerCase(java.util.Locale.ROOT);
        if (referenceClip == null) {
            throw new InvalidArgumentException("audio_sample", "audio_sample (the reference recording) is required.");
        }
        transcript = transcript == null || transcript.isBlank() ? null : transcript.strip();
        VoiceFields.maxLength(transcript, "ref_text", VoiceFields.MAX_TRANSCRIPT_LENGTH);
        if (!xVectorOnly && transcript == null) {
            throw new InvalidArgumentException("ref_text",
                    "ref_text (the transcript of the recording) is required unless x_vector_only_mode is on.");
        }
    }
}
