package io.q3tts.ports.in.voice;

import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.NotFoundException;

/** Use case: change a saved voice's metadata. Thread-safe. */
public interface UpdateVoiceUseCase {

    /**
     * @param command the validated command, never null
     * @return the updated voice, never null
     * @throws NotFoundException (field {@code voice_id}) if there is no such voice
     * @throws ConflictException (field {@code name}) if another voice has the new name
     */
    VoiceView updateVoice(UpdateVoiceCommand command);
}
