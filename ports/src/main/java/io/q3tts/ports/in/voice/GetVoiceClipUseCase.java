package io.q3tts.ports.in.voice;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.UnsupportedException;

/** Use case: a saved voice's reference clip, to play it back. Thread-safe. */
public interface GetVoiceClipUseCase {

    /**
     * @param voiceId the id
     * @param format the container; null means WAV (the stored file as is)
     * @return the clip, never null
     * @throws InvalidArgumentException (field {@code voice_id}) if malformed
     * @throws NotFoundException (field {@code voice_id}) if there is no such voice
     * @throws UnsupportedException (field {@code response_format}) if the format cannot be encoded
     */
    EncodedAudio getVoiceClip(String voiceId, AudioFormat format);
}
