package io.q3tts.ports.in.voice;

import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;

/**
 * Change a voice's metadata. Null fields are left as they are. The id never changes (renaming
 * changes only the display name). A new transcript drops the cached clone prompts.
 *
 * @param voiceId the voice, never null
 * @param name a new display name, or null
 * @param description a new description, or null
 * @param language a new language key, or null
 * @param transcript a new transcript, or null
 */
public record UpdateVoiceCommand(String voiceId, String name, String description, String language, String transcript) {

    /**
     * Normalizes and validates.
     *
     * @throws InvalidArgumentException naming the first offending field
     */
    public UpdateVoiceCommand {
        Ids.requireSafe(voiceId, "voice_id");
        name = name == null ? null : VoiceFields.name(name);
        description = VoiceFields.maxLength(description == null ? null : description.strip(), "description",
                VoiceFields.MAX_DESCRIPTION_LENGTH);
        language = language == null || language.isBlank() ? null : language.strip().toLowerCase(java.util.Locale.ROOT);
        if (transcript != null && transcript.isBlank()) {
            throw new InvalidArgumentException("ref_text", "ref_text must not be empty; leave it out to keep the current one.");
        }
        transcript = VoiceFields.maxLength(transcript == null ? null : transcript.strip(), "ref_text",
                VoiceFields.MAX_TRANSCRIPT_LENGTH);
    }
}
