package io.q3tts.ports.out.audio;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.UnsupportedException;
import java.util.Set;

/**
 * Driven port: encodes decoded audio into a container ({@link AudioFormat}: wav, pcm, flac, mp3,
 * opus). {@link AudioFormat#WAV} and {@link AudioFormat#PCM} are always supported; the others
 * depend on the encoders the build ships.
 *
 * <p>Implementations are thread-safe and stateless. Encoding is CPU work; the domain does it on
 * the job's worker thread after the GPU work is done.
 */
public interface AudioEncoder {

    /** @return the formats {@link #encode} accepts; contains at least WAV and PCM */
    Set<AudioFormat> formats();

    /**
     * @param audio mono audio, never null; samples outside [-1, 1] are clipped
     * @param format the container, never null
     * @return the encoded audio; mono, at {@code audio.sampleRate()} unless the format requires
     *     another rate (Opus: 48 kHz), in which case the implementation resamples
     * @throws UnsupportedException (field {@code response_format}) if the format is not in {@link #formats()}
     */
    EncodedAudio encode(PcmAudio audio, AudioFormat format);
}
