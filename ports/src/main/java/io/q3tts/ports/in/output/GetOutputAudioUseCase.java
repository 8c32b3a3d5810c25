package io.q3tts.ports.in.output;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.UnsupportedException;

/** Use case: one output's audio in a chosen container. Thread-safe. */
public interface GetOutputAudioUseCase {

    /**
     * @param outputId the id
     * @param format the container; null means {@link AudioFormat#WAV} (the stored file, returned as is)
     * @return the audio, never null
     * @throws InvalidArgumentException (field {@code output_id}) if the id is malformed
     * @throws NotFoundException (field {@code output_id}) if there is no such output
     * @throws UnsupportedException (field {@code response_format}) if this build cannot encode the format
     */
    EncodedAudio getOutputAudio(String outputId, AudioFormat format);
}
