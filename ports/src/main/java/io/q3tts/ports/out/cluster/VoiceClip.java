package io.q3tts.ports.out.cluster;

import io.q3tts.ports.model.Ids;
import java.util.Objects;

/**
 * A reference voice as it travels to a worker: the clip's bytes rather than a path, because
 * workers share no file system with the process that owns the voice library.
 *
 * @param id content-derived, path-safe ({@link Ids#isSafe}): equal ids mean equal clip, transcript
 *     and mode, so a worker may cache the voice (and its clone prompts) under it
 * @param wav the reference clip, a WAV file; handed over, treat as read-only
 * @param transcript what the clip says, or null in x-vector-only mode
 * @param xVectorOnly use only the speaker embedding
 */
public record VoiceClip(String id, byte[] wav, String transcript, boolean xVectorOnly) {

    /** @throws IllegalArgumentException if the id is not path-safe or the clip is missing */
    public VoiceClip {
        if (!Ids.isSafe(id)) {
            throw new IllegalArgumentException("voice id must be path-safe: " + id);
        }
        Objects.requireNonNull(wav, "wav");
    }
}
