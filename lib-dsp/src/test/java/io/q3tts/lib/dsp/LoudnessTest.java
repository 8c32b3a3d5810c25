package io.q3tts.lib.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    private static float[] tone(double seconds, double hz, double amplitude, int rate) {
        float[] out = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return out;
    }
}
