package io.q3tts.domain.output;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.out.audio.AudioDecoder;
import io.q3tts.ports.out.audio.AudioEncoder;
import java.util.Objects;
import java.util.stream.Collectors;

/** Re-encodes stored audio into the container a caller asked for. Thread-safe. */
public final class AudioConversion {

    private final AudioEncoder encoder;
    private final AudioDecoder decoder;

    /**
     * @param encoder the encoder port, never null
     * @param decoder the decoder port, never null
     */
    public AudioConversion(AudioEncoder encoder, AudioDecoder decoder) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
    }

    /**
     * @param format a requested container
     * @throws UnsupportedException (field {@code response_format}) if this build cannot encode it
     */
    public void requireSupported(AudioFormat format) {
        requireSupported(format, "response_format");
    }

    private void requireSupported(AudioFormat format, String field) {
        if (!encoder.formats().contains(format)) {
            throw new UnsupportedException(field, field + " '" + format.key() + "' is not available in this build; available: "
                    + encoder.formats().stream().map(AudioFormat::key).sorted().collect(Collectors.joining(", ")) + ".");
        }
    }

    /** @return the containers the encoder offers */
    public java.util.Set<AudioFormat> formats() {
        return java.util.Set.copyOf(encoder.formats());
    }

    /**
     * @param audio samples to encode
     * @param format the container
     * @return the encoded audio
     * @throws UnsupportedException (field {@code format}) if the encoder cannot produce it
     */
    public EncodedAudio encode(io.q3tts.ports.model.PcmAudio audio, AudioFormat format) {
        requireSupported(format, "format");
        return encoder.encode(audio, format);
    }

    /**
     * @param stored audio as stored, never null
     * @param format the wanted container; null means as stored
     * @return {@code stored} itself if it already is in that format, else a re-encoded copy
     */
    public EncodedAudio convert(EncodedAudio stored, AudioFormat format) {
        if (format == null || format == stored.format()) {
            return stored;
        }
        requireSupported(format);
        return encoder.encode(decoder.decode(stored), format);
    }
}
