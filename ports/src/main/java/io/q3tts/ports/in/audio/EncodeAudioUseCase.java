package io.q3tts.ports.in.audio;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.PcmAudio;
import java.util.Set;

/**
 * Use case: encode mono samples into a container (WAV, headerless PCM, FLAC, MP3, Ogg Opus), the
 * same encoders the service's own downloads use. For plugins that post-process audio (resample,
 * normalise loudness) and still deliver compressed files. Runs on the caller's thread; needs no
 * model and no GPU slot.
 *
 * <p>Thread-safe.
 */
public interface EncodeAudioUseCase {

    /** @return the containers this build can encode, never null */
    Set<AudioFormat> encodableFormats();

    /**
     * @param audio mono samples in [-1, 1] and their rate, never null
     * @param format the container, never null
     * @return the encoded audio (Opus is resampled to 48 kHz inside its container), never null
     * @throws io.q3tts.ports.model.UnsupportedException (field {@code format}) if this build cannot encode it
     */
    EncodedAudio encodeAudio(PcmAudio audio, AudioFormat format);
}
