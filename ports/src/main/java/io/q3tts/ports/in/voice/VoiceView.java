package io.q3tts.ports.in.voice;

import io.q3tts.ports.model.VoiceOrigin;
import java.time.Instant;
import java.util.Objects;

/**
 * A saved voice, as driving adapters show it. Use its {@link #id()} as
 * {@code SavedVoice(voiceId)} to clone it (and as the OpenAI {@code voice} field).
 *
 * @param id the voice id, never null
 * @param name display name, never null
 * @param description free text, never null
 * @param origin uploaded or designed, never null
 * @param language the reference clip's language, never null
 * @param transcript the reference clip's transcript, or null for x-vector-only voices
 * @param xVectorOnly whether cloning uses only the speaker embedding
 * @param designInstruct the description it was designed from, or null
 * @param sourceModelId the model that designed it, or null
 * @param clipSeconds reference clip length
 * @param createdAt never null
 * @param updatedAt never null
 */
public record VoiceView(
        String id,
        String name,
        String description,
        VoiceOrigin origin,
        String language,
        String transcript,
        boolean xVectorOnly,
        String designInstruct,
        String sourceModelId,
        double clipSeconds,
        Instant createdAt,
        Instant updatedAt) {

    /** @throws NullPointerException if a required field is null */
    public VoiceView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
