package io.q3tts.lib.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ResamplerTest {

    private static final int OUT = 24_000;

    @ParameterizedTest
    @ValueSource(ints = {8000, 11025, 16000, 22050, 32000, 44100, 48000, 96000, 44057})
    void givenSteppedSineSweep_whenResampledTo24k_thenPassbandTonesKeepAmplitudeFrequencyAndPhase(int inRate) {
        Resampler r = new Resampler(inRate, OUT);
        double passbandEdge = Resampler.PASSBAND * Math.min(inRate, OUT) / 2;
        int margin = edgeMargin(r);
        double worst = 0;
        for (double f = 50; f <= passbandEdge; f += passbandEdge / 23) {
            float[] in = sine(f, inRate, inRate / 4);
            float[] out = r.process(in);
            // The filter is zero-delay, so the output must match the ideal tone sampled at 24 kHz.
            float[] ideal = sine(f, OUT, out.length);
            for (int k = margin; k < out.length - margin; k++) {
                worst = Math.max(worst, Math.abs(out[k] - ideal[k]));
            }
        }
        // 1e-4 of full scale is 0.001 dB of gain error or 0.006 degrees of phase error.
        System.out.printf("resample %d -> 24000: worst passband deviation %.3g%n", inRate, worst);
        assertTrue(worst < 1e-4, inRate + " Hz: worst deviation from the ideal tone " + worst);
    }

    @ParameterizedTest
    @ValueSource(ints = {32000, 44100, 48000, 96000, 44057})
    void givenTonesAbove12kHz_whenDownsampledTo24k_thenAliasesAreBelowMinus90dB(int inRate) {
        Resampler r = new Resampler(inRate, OUT);
        for (double f : new double[] {12_100, 12_500, 15_000, Math.min(20_000, inRate * 0.45)}) {
            float[] out = r.process(sine(f, inRate, inRate / 4));
            int margin = edgeMargin(r);
            double rms = rms(out, margin, out.length - margin);
            // A full-scale sine has RMS 1/sqrt(2); -90 dB relative to that.
            double db = 20 * Math.log10(rms * Math.sqrt(2));
            System.out.printf("resample %d -> 24000: %.0f Hz alias at %.1f dB%n", inRate, f, db);
            assertTrue(db < -90, inRate + " Hz input, " + f + " Hz tone: alias level " + db + " dB");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {8000, 16000, 22050})
    void givenUpsampling_whenResampled_thenNoImagesAboveTheInputNyquist(int inRate) {
        float[] out = new Resampler(inRate, OUT).process(sine(0.3 * inRate, inRate, inRate / 2));
        // Energy at the image frequency (inRate - f) must be negligible.
        double image = toneAmplitude(out, OUT, 0.7 * inRate);
        double tone = toneAmplitude(out, OUT, 0.3 * inRate);
        assertTrue(tone > 0.99, "tone amplitude " + tone);
        assertTrue(20 * Math.log10(image) < -90, "image level " + 20 * Math.log10(image) + " dB");
    }

    @Test
    void givenLengths_whenResampled_thenOutputHasRoundedLength() {
        assertEquals(24_000, new Resampler(44_100, OUT).process(new float[44_100]).length);
        assertEquals(Math.round(1001 * 24000.0 / 44100), new Resampler(44_100, OUT).process(new float[1001]).length);
        assertEquals(Math.round(7 * 24000.0 / 16000), new Resampler(16_000, OUT).process(new float[7]).length);
        assertEquals(0, new Resampler(16_000, OUT).process(new float[0]).length);
        assertEquals(Math.round(12345 * 24000.0 / 44057), new Resampler(44_057, OUT).outputLength(12345));
    }

    @Test
    void givenSameRate_whenResampled_thenIdentityCopy() {
        float[] in = sine(1000, OUT, 1000);
        float[] out = Resampler.resample(in, OUT, OUT);
        assertArrayEquals(in, out);
        assertNotSame(in, out);
        assertArrayEquals(in, new Resampler(OUT, OUT).process(in));
    }

    @Test
    void givenSameInput_whenResampledTwice_thenBitIdentical() {
        float[] in = sine(440, 44_100, 10_000);
        assertArrayEquals(new Resampler(44_100, OUT).process(in), new Resampler(44_100, OUT).process(in));
        float[] odd = sine(440, 44_057, 10_000);
        assertArrayEquals(Resampler.resample(odd, 44_057, OUT), Resampler.resample(odd, 44_057, OUT));
    }

    @Test
    void givenDc_whenResampled_thenGainIsOne() {
        float[] in = new float[20_000];
        java.util.Arrays.fill(in, 0.5f);
        float[] out = new Resampler(22_050, OUT).process(in);
        for (int k = 500; k < out.length - 500; k++) {
            assertEquals(0.5f, out[k], 1e-5f);
        }
    }

    @Test
    void givenBesselSeries_whenEvaluated_thenMatchesKnownValues() {
        assertEquals(1.0, Resampler.besselI0(0), 0);
        assertEquals(1.2660658777520082, Resampler.besselI0(1), 1e-15);
        assertEquals(2815.716628466254, Resampler.besselI0(10), 1e-9);
    }

    /** Output samples whose filter support reaches past either end of the input. */
    private static int edgeMargin(Resampler r) {
        return (int) Math.ceil(r.tapsPerOutput() * (double) r.outRate() / r.inRate()) + 1;
    }

    static float[] sine(double f, int rate, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(2 * Math.PI * f * i / rate);
        }
        return x;
    }

    private static double rms(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) x[i] * x[i];
        }
        return Math.sqrt(s / (to - from));
    }

    /** Amplitude of a tone by correlation over a Hann-windowed middle section. */
    private static double toneAmplitude(float[] x, int rate, double f) {
        int from = x.length / 4;
        int to = 3 * x.length / 4;
        double re = 0;
        double im = 0;
        double wsum = 0;
        for (int i = from; i < to; i++) {
            double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i - from) / (to - from));
            re += w * x[i] * Math.cos(2 * Math.PI * f * i / rate);
            im += w * x[i] * Math.sin(2 * Math.PI * f * i / rate);
            wsum += w;
        }
        return 2 * Math.hypot(re, im) / wsum;
    }
}
