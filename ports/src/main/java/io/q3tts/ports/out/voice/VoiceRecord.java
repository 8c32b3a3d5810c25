package io.q3tts.ports.out.voice;

import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.VoiceOrigin;
import java.time.Instant;
import java.util.Objects;

/**
 * The stored metadata of a saved voice (a voice profile). The reference clip and the clone-prompt
 * cache live beside it in the {@link VoiceRepository}.
 *
 * @param id path-safe id ({@link Ids#isSafe}), unique; derived by the domain from the name
 * @param name display name, not blank, unique ignoring case
 * @param description free text, never null (may be empty)
 * @param origin how the voice was made, never null
 * @param language the language of the reference clip ({@code "auto"} if unknown), never null
 * @param transcript what is said in the reference clip; null only when {@code xVectorOnly}
 * @param xVectorOnly clone from the speaker embedding only (no ICL); lower quality, no transcript needed
 * @param designInstruct the voice description it was designed from ({@link VoiceOrigin#DESIGNED}), else null
 * @param sourceModelId the model that designed it ({@link VoiceOrigin#DESIGNED}), else null
 * @param clipSeconds length of the reference clip, &gt; 0
 * @param createdAt creation time, never null
 * @param updatedAt last metadata change, never null, not before {@code createdAt}
 */
public record VoiceRecord(
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

    /** @throws IllegalArgumentException on a missing or inconsistent field */
    public VoiceRecord {
        if (!Ids.isSafe(id)) {
            throw new IllegalArgumentException("voice id must be path-safe: " + id);
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        description = description == null ? "" : description;
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(language, "language");
        if (!xVectorOnly && (transcript == null || transcript.isBlank())) {
            throw new IllegalArgumentException("an ICL voice needs its transcript");
        }
        if (!(clipSeconds > 0)) {
            throw new IllegalArgumentException("clipSeconds must be positive: " + clipSeconds);
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (updatedAt.isBefore(createdAt)) {
            throw new IllegalArgumentException("updatedAt is before createdAt");
        }
    }
}
