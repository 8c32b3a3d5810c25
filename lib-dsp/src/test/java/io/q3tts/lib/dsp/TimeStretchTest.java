package io.q3tts.lib.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimeStretchTest {

    private static final int RATE = 24_000;

    private static float[] sine(double hz, double seconds) {
        float[] x = new float[(int) Math.round(seconds * RATE)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / RATE));
        }
        return x;
    }

    /** The frequency in 300..600 Hz (0.5 Hz steps) with the largest DFT magnitude over the middle of the signal. */
    private static double dominantHz(float[] x) {
        int from = x.length / 4;
        int len = x.length / 2;
        double bestHz = 0;
        double best = -1;
        for (double hz = 300; hz <= 600; hz += 0.5) {
            double re = 0;
            double im = 0;
            double w = 2 * Math.PI * hz / RATE;
            for (int i = 0; i < len; i++) {
                double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / len);
                re += hann * x[from + i] * Math.cos(w * i);
                im -= hann * x[from + i] * Math.sin(w * i);
            }
            double mag = re * re + im * im;
            if (mag > best) {
                best = mag;
                bestHz = hz;
            }
        }
        return bestHz;
    }

    private static double rms(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i] * x[i];
        }
        return Math.sqrt(s / (to - from));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.25, 0.5, 0.8, 1.25, 2.0, 4.0})
    void givenASine_whenStretched_thenTheLengthFollowsTheSpeedAndThePitchAndLevelStay(double speed) {
        float[] in = sine(440, 1.5);
        float[] out = TimeStretch.stretch(in, RATE, speed);
        assertEquals(Math.round(in.length / speed), out.length);
        for (float v : out) {
            assertTrue(Float.isFinite(v));
        }
        double hz = dominantHz(out);
        assertEquals(440, hz, 440 * 0.015, "dominant frequency at speed " + speed);
        double inRms = rms(in, 0, in.length);
        double outRms = rms(out, out.length / 8, out.length * 7 / 8);
        assertEquals(inRms, outRms, inRms * 0.15, "level at speed " + speed);
    }

    @Test
    void givenSpeedOne_thenACopyIsReturned() {
        float[] in = sine(220, 0.1);
        float[] out = TimeStretch.stretch(in, RATE, 1.0);
        assertNotSame(in, out);
        assertArrayEquals(in, out);
    }

    @Test
    void givenTheSameInput_thenTheOutputIsBitForBitTheSame() {
        float[] in = sine(317, 0.7);
        assertArrayEquals(TimeStretch.stretch(in, RATE, 1.7), TimeStretch.stretch(in, RATE, 1.7));
    }

    @Test
    void givenShortOrEmptyInput_thenTheLengthRuleStillHolds() {
        assertEquals(0, TimeStretch.stretch(new float[0], RATE, 2.0).length);
        assertEquals(50, TimeStretch.stretch(sine(440, 100.0 / RATE), RATE, 2.0).length);
        assertEquals(400, TimeStretch.stretch(sine(440, 100.0 / RATE), RATE, 0.25).length);
    }

    @Test
    void givenBadArguments_thenTheyAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TimeStretch.stretch(new float[10], RATE, 0));
        assertThrows(IllegalArgumentException.class, () -> TimeStretch.stretch(new float[10], RATE, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> TimeStretch.stretch(new float[10], 0, 2));
    }
}
