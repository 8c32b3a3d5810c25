package io.q3tts.lib.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoudnessTest {

    @Test
    void aFullScale997HzSineReadsMinus3Lufs() {
        // BS.1770's reference point: a 0 dBFS 997 Hz sine in one channel reads -3.01 LUFS.
        assertEquals(-3.01, Loudness.integrated(tone(5, 997, 1.0, 24_000), 24_000), 0.1);
        assertEquals(-23.01, Loudness.integrated(tone(5, 997, 0.1, 24_000), 24_000), 0.1);
    }

    @Test
    void silenceIsGatedOutAndAllSilenceIsReportedAsSuch() {
        float[] tone = tone(3, 997, 0.1, 24_000);
        float[] padded = new float[tone.length * 4];
        System.arraycopy(tone, 0, padded, tone.length, tone.length);
        // Blocks straddling the tone's edges pass the relative gate at part power, so a little under the tone alone.
        assertEquals(-23.01, Loudness.integrated(padded, 24_000), 0.5);
        assertEquals(Loudness.SILENCE, Loudness.integrated(new float[48_000], 24_000));
        assertEquals(Loudness.SILENCE, Loudness.integrated(new float[100], 24_000));
    }

    @Test
    void lowFrequenciesWeighLessThanTheMidrange() {
        double low = Loudness.integrated(tone(3, 30, 0.5, 24_000), 24_000);
        double mid = Loudness.integrated(tone(3, 1000, 0.5, 24_000), 24_000);
        assertEquals(true, low < mid - 1, low + " vs " + mid);
    }

    @Test
    void normalisingReachesTheTargetWhenThePeakAllows() {
        float[] quiet = tone(3, 997, 0.05, 24_000);
        Loudness.Normalisation n = Loudness.normalise(quiet, 24_000, -16, 0.891f);
        assertEquals(-29.03, n.measured(), 0.1);
        assertEquals(-16, n.loudness(), 1e-9);
        assertFalse(n.limited());
        assertEquals(-16, Loudness.integrated(quiet, 24_000), 0.05);
    }

    @Test
    void normalisingStopsAtThePeakCeiling() {
        float[] loud = tone(3, 997, 0.5, 24_000);
        Loudness.Normalisation n = Loudness.normalise(loud, 24_000, -3, 0.891f);
        assertTrue(n.limited());
        float peak = 0;
        for (float v : loud) {
            peak = Math.max(peak, Math.abs(v));
        }
        assertEquals(0.891f, peak, 1e-4);
        assertEquals(n.measured() + n.gainDb(), n.loudness(), 1e-9);
        assertTrue(n.loudness() < -3);
    }

    @Test
    void normalisingSilenceLeavesItAlone() {
        float[] silence = new float[48_000];
        Loudness.Normalisation n = Loudness.normalise(silence, 24_000, -16, 0.891f);
        assertEquals(new Loudness.Normalisation(Loudness.SILENCE, 0, false), n);
        assertEquals(Loudness.SILENCE, n.loudness());
        assertArrayEquals(new float[48_000], silence);
    }

    private static float[] tone(double seconds, double hz, double amplitude, int rate) {
        float[] out = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return out;
    }
}
