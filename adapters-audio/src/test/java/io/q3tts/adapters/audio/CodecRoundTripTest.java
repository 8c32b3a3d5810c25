package io.q3tts.adapters.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.PcmAudio;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Encodes a sine in every format, decodes it again and checks rate, length, pitch and level. */
class CodecRoundTripTest {

    private final CodecAudioEncoder encoder = new CodecAudioEncoder();
    private final CodecAudioDecoder decoder = new CodecAudioDecoder();

    @Test
    void offersEveryFormat() {
        assertEquals(EnumSet.allOf(AudioFormat.class), EnumSet.copyOf(encoder.formats()));
    }

    @ParameterizedTest
    @EnumSource(value = AudioFormat.class, names = {"WAV", "FLAC", "MP3", "OPUS"})
    void roundTripsA440HzSine(AudioFormat format) {
        PcmAudio sine = new PcmAudio(Signals.sine(440, 24_000, 1.0, 0.5), 24_000);
        EncodedAudio encoded = encoder.encode(sine, format);
        assertEquals(format, encoded.format());
        int expectedRate = format == AudioFormat.OPUS ? 48_000 : 24_000;
        assertEquals(expectedRate, encoded.sampleRate());
        assertEquals(1.0, encoded.durationSeconds(), 1e-3);

        PcmAudio decoded = decoder.decode(encoded);
        assertEquals(expectedRate, decoded.sampleRate());
        // MP3 adds the encoder delay and frame padding (under 0.1 s); the others are exact.
        assertEquals(1.0, decoded.durationSeconds(), format == AudioFormat.MP3 ? 0.1 : 1e-3);
        assertEquals(440, Signals.dominant(decoded.samples(), decoded.sampleRate()), 5);
        assertEquals(0.5 / Math.sqrt(2), Signals.rms(decoded.samples()), 0.05);
    }

    @Test
    void wavAndFlacAreLosslessAtSixteenBits() {
        PcmAudio sine = new PcmAudio(Signals.sine(1000, 16_000, 0.3, 0.9), 16_000);
        for (AudioFormat f : new AudioFormat[] {AudioFormat.WAV, AudioFormat.FLAC}) {
            float[] back = decoder.decode(encoder.encode(sine, f)).samples();
            assertEquals(sine.samples().length, back.length);
            for (int i = 0; i < back.length; i++) {
                assertEquals(sine.samples()[i], back[i], 2.0 / 32767, f + " sample " + i);
            }
        }
    }

    @Test
    void pcmIsHeaderlessLittleEndianSixteenBit() {
        EncodedAudio pcm = encoder.encode(new PcmAudio(new float[] {0f, 1f, -1f, 2f, -0.5f}, 24_000), AudioFormat.PCM);
        assertEquals(10, pcm.bytes().length);
        short[] expected = {0, 32767, -32767, 32767, -16383};
        for (int i = 0; i < expected.length; i++) {
            short s = (short) ((pcm.bytes()[2 * i] & 0xFF) | pcm.bytes()[2 * i + 1] << 8);
            assertEquals(expected[i], s, "sample " + i);
        }
    }

    @Test
    void mp3PicksTheNextMpegRate() {
        PcmAudio odd = new PcmAudio(Signals.sine(440, 20_000, 0.5, 0.5), 20_000);
        EncodedAudio mp3 = encoder.encode(odd, AudioFormat.MP3);
        assertEquals(22_050, mp3.sampleRate());
        PcmAudio back = decoder.decode(mp3);
        assertEquals(22_050, back.sampleRate());
        assertEquals(440, Signals.dominant(back.samples(), back.sampleRate()), 5);
    }

    @Test
    void resamplesToARequestedRate() {
        PcmAudio sine = new PcmAudio(Signals.sine(440, 24_000, 1.0, 0.5), 24_000);
        EncodedAudio wav = encoder.encode(sine, AudioFormat.WAV, 16_000);
        assertEquals(16_000, wav.sampleRate());
        PcmAudio back = decoder.decode(wav);
        assertEquals(16_000, back.samples().length);
        assertEquals(440, Signals.dominant(back.samples(), 16_000), 5);
        assertEquals(48_000, encoder.encode(sine, AudioFormat.OPUS, 16_000).sampleRate());
    }

    @Test
    void encodesSilenceAndEmptyAudio() {
        for (AudioFormat f : AudioFormat.values()) {
            EncodedAudio e = encoder.encode(new PcmAudio(new float[2400], 24_000), f);
            assertTrue(e.bytes().length > 0 || f == AudioFormat.PCM, f.key());
            if (f != AudioFormat.PCM) {
                assertTrue(Signals.rms(decoder.decode(e).samples()) < 1e-3, f.key());
            }
        }
        assertEquals(0, decoder.decode(encoder.encode(new PcmAudio(new float[0], 24_000), AudioFormat.WAV))
                .samples().length);
    }
}
