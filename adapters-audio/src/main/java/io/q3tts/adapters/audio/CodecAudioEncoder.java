package io.q3tts.adapters.audio;

import io.q3tts.lib.dsp.Resampler;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.out.audio.AudioEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Encodes mono audio into every {@link AudioFormat}: WAV and raw PCM (16-bit little-endian),
 * FLAC (16-bit, lossless at that depth), MP3 (64 kbit/s up to 24 kHz, else 128 kbit/s) and Opus
 * in Ogg (48 kbit/s). Formats that cannot carry the input rate get resampled audio: Opus always
 * 48 kHz, MP3 the next MPEG rate up. Samples outside [-1, 1] are clipped.
 *
 * <p>Stateless and thread-safe: each call builds its own codec objects.
 */
public final class CodecAudioEncoder implements AudioEncoder {

    private static final Set<AudioFormat> FORMATS = Set.copyOf(EnumSet.allOf(AudioFormat.class));

    /** Creates the encoder; it holds no resources. */
    public CodecAudioEncoder() {
    }

    @Override
    public Set<AudioFormat> formats() {
        return FORMATS;
    }

    @Override
    public EncodedAudio encode(PcmAudio audio, AudioFormat format) {
        Objects.requireNonNull(audio, "audio");
        if (format == null || !FORMATS.contains(format)) {
            throw new UnsupportedException("response_format", "response_format '" + format + "' cannot be encoded.");
        }
        int rate = switch (format) {
            case OPUS -> OggOpusCodec.RATE;
            case MP3 -> Mp3Codec.carriedRate(audio.sampleRate());
            default -> audio.sampleRate();
        };
        float[] samples = rate == audio.sampleRate() ? audio.samples()
                : new Resampler(audio.sampleRate(), rate).process(audio.samples());
        try {
            byte[] bytes = switch (format) {
                case WAV -> WavCodec.encode(samples, rate);
                case PCM -> Pcm16.toBytes(samples);
                case FLAC -> FlacCodec.encode(samples, rate);
                case MP3 -> Mp3Codec.encode(samples, rate);
                case OPUS -> OggOpusCodec.encode(samples);
            };
            return new EncodedAudio(format, bytes, rate, samples.length / (double) rate);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding " + format.key() + " failed", e);
        }
    }

    /**
     * Encodes at a requested sample rate (for clients that ask for e.g. 16 kHz telephony audio).
     * Opus still comes out at 48 kHz and MP3 at the next MPEG rate up from the requested one.
     *
     * @param audio mono audio, never null
     * @param format the container, never null
     * @param sampleRate the wanted rate, 8000..192000
     * @return the encoded audio
     * @throws InvalidArgumentException (field {@code sample_rate}) if the rate is out of range
     */
    public EncodedAudio encode(PcmAudio audio, AudioFormat format, int sampleRate) {
        Objects.requireNonNull(audio, "audio");
        if (sampleRate < 8_000 || sampleRate > 192_000) {
            throw new InvalidArgumentException("sample_rate", "sample_rate must be 8000 to 192000; got " + sampleRate + ".");
        }
        PcmAudio converted = sampleRate == audio.sampleRate() ? audio
                : new PcmAudio(new Resampler(audio.sampleRate(), sampleRate).process(audio.samples()), sampleRate);
        return encode(converted, format);
    }
}
