package io.q3tts.ports.in.voice;

import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.PayloadTooLargeException;
import io.q3tts.ports.model.UnsupportedMediaException;

/** Use case: save a voice from an uploaded recording. Storage only, no GPU work. Thread-safe. */
public interface CreateVoiceUseCase {

    /**
     * @param command the validated command, never null
     * @return the saved voice, never null
     * @throws InvalidArgumentException (field {@code audio_sample}) if the clip is shorter than 1 s or longer than 60 s
     * @throws UnsupportedMediaException (field {@code audio_sample}) if the clip cannot be decoded
     * @throws PayloadTooLargeException (field {@code audio_sample}) if the upload exceeds the limit
     * @throws ConflictException (field {@code name}) if a voice with that name (or id) exists
     */
    VoiceView createVoice(CreateVoiceCommand command);
}
