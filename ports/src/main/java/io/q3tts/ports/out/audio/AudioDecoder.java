package io.q3tts.ports.out.audio;

import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.UnsupportedMediaException;

/**
 * Driven port: decodes audio files to mono PCM: client uploads (clone references, tokenizer
 * input) and stored WAV files (to re-encode an output in another format). WAV (8/16/24/32-bit
 * integer and 32-bit float, any channel count, downmixed) is always supported.
 *
 * <p>Implementations are thread-safe and stateless.
 */
public interface AudioDecoder {

    /**
     * @param upload the file, never null
     * @return mono audio at the file's own sample rate
     * @throws UnsupportedMediaException naming {@code upload.field()} if the data cannot be decoded
     */
    PcmAudio decode(AudioUpload upload);

    /**
     * @param audio stored audio, never null
     * @return mono audio at its own sample rate
     * @throws UnsupportedMediaException if the format cannot be decoded
     */
    default PcmAudio decode(EncodedAudio audio) {
        return decode(new AudioUpload("audio", audio.bytes(), null, audio.mediaType()));
    }
}
