package io.q3tts.ports.in.voice;

import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;

/**
 * Use case: delete a saved voice (profile, clip, cached prompts). Jobs already admitted that
 * clone it may fail with NOT_FOUND. Thread-safe.
 */
public interface DeleteVoiceUseCase {

    /**
     * @param voiceId the id
     * @throws InvalidArgumentException (field {@code voice_id}) if malformed
     * @throws NotFoundException (field {@code voice_id}) if there is no such voice
     */
    void deleteVoice(String voiceId);
}
