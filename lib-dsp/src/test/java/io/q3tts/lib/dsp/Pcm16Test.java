package io.q3tts.lib.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class Pcm16Test {

    @Test
    void wavRoundTripsWithin16BitQuantisationAndClips() {
        float[] in = {0f, 0.5f, -0.5f, 1.5f, -2f, 0.25f};
        byte[] wav = Pcm16.wav(in, 24_000);
        assertEquals(44 + 12, wav.length);
        assertEquals(24_000, Pcm16.sampleRate(wav));
        float[] out = Pcm16.fromWav(wav);
        float[] expected = {0f, 0.5f, -0.5f, 1f, -1f, 0.25f};
        assertArrayEquals(expected, out, 1f / 16_000);
        assertArrayEquals(out, Pcm16.decode(Pcm16.encode(in)));
    }

    @Test
    void decodedPcmReEncodesToTheSameBytes() {
        byte[] pcm = new byte[65_536 * 2];
        for (int i = 0; i < 65_536; i++) {
            pcm[2 * i] = (byte) i;
            pcm[2 * i + 1] = (byte) (i >> 8);
        }
        assertArrayEquals(pcm, Pcm16.encode(Pcm16.decode(pcm)));
    }

    @Test
    void refusesSomethingThatIsNotAWav() {
        assertThrows(IllegalArgumentException.class, () -> Pcm16.fromWav(new byte[60]));
        assertThrows(IllegalArgumentException.class, () -> Pcm16.fromWav(new byte[3]));
    }
}
