package io.q3tts.ports.in.voice;

import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;

/** Use case: one saved voice. Thread-safe. */
public interface GetVoiceUseCase {

    /**
     * @param voiceId the id
     * @return the voice, never null
     * @throws InvalidArgumentException (field {@code voice_id}) if malformed
     * @throws NotFoundException (field {@code voice_id}) if there is no such voice
     */
    VoiceView getVoice(String voiceId);
}
