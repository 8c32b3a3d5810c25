package io.q3tts.ports.out.inference;

import java.util.Objects;

/**
 * A reusable voice-clone prompt (the official {@code VoiceClonePromptItem}: speaker embedding and,
 * in ICL mode, the reference codec frames and transcript), in a form the platform can store
 * without understanding it.
 *
 * <p>The domain stores it with {@code VoiceRepository.savePrompt(voiceId, cacheKey, data)}; the
 * inference adapter reads it back when it synthesizes with {@link VoicePrompt.Saved}. Only the
 * adapter knows the byte layout.
 *
 * @param cacheKey identifies everything the data depends on (the encoder weights and the layout
 *     version), so a prompt made by one Base model is never fed to an incompatible one; path-safe
 *     ({@code io.q3tts.ports.model.Ids#isSafe}), not blank
 * @param data the serialized prompt, never null; handed over, treat as read-only
 * @param xVectorOnly whether the prompt carries only the speaker embedding (no ICL frames)
 */
public record ClonePrompt(String cacheKey, byte[] data, boolean xVectorOnly) {

    /** @throws IllegalArgumentException if a field is missing or the key is not path-safe */
    public ClonePrompt {
        if (!io.q3tts.ports.model.Ids.isSafe(cacheKey)) {
            throw new IllegalArgumentException("cacheKey must be a path-safe id: " + cacheKey);
        }
        Objects.requireNonNull(data, "data");
    }
}
