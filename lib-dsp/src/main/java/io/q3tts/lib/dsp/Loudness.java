package io.q3tts.lib.dsp;

/**
 * Integrated loudness of mono audio per ITU-R BS.1770-4 / EBU R128: K-weighting (the two biquads,
 * derived for any sample rate as libebur128 does), mean square over 400 ms blocks with 75 % overlap,
 * an absolute gate at -70 LUFS and a relative gate 10 LU below the ungated loudness. Mono, so the
 * channel weighting is 1. Not a certified meter: it has not been run against the EBU Tech 3341
 * conformance set.
 */
public final class Loudness {

    /** Loudness reported for silence (or audio shorter than one block). */
    public static final double SILENCE = Double.NEGATIVE_INFINITY;

    private Loudness() {
    }

    /**
     * @param samples mono audio
     * @param sampleRate its rate, &gt; 0
     * @return the gated integrated loudness in LUFS, or {@link #SILENCE}
     */
    public static double integrated(float[] samples, int sampleRate) {
        double[] k = kWeighted(samples, sampleRate);
        int block = (int) Math.round(0.4 * sampleRate);
        int hop = block / 4;
        if (k.length < block) {
            return SILENCE;
        }
        int blocks = (k.length - block) / hop + 1;
        double[] power = new double[blocks];
        double[] prefix = new double[k.length + 1];
        for (int i = 0; i < k.length; i++) {
            prefix[i + 1] = prefix[i] + k[i] * k[i];
        }
        for (int j = 0; j < blocks; j++) {
            power[j] = (prefix[j * hop + block] - prefix[j * hop]) / block;
        }
        double absolute = gatedMean(power, powerOf(-70.0));
        if (absolute <= 0) {
            return SILENCE;
        }
        double relative = gatedMean(power, powerOf(lufs(absolute) - 10.0));
        return relative <= 0 ? SILENCE : lufs(relative);
    }

    /**
     * What {@link #normalise} did.
     *
     * @param measured the loudness before, in LUFS, or {@link #SILENCE}
     * @param gainDb the gain applied, in dB (0 for silence)
     * @param limited whether the peak ceiling held the gain below what the target asked for
     */
    public record Normalisation(double measured, double gainDb, boolean limited) {

        /** @return the loudness after, in LUFS, or {@link #SILENCE} */
        public double loudness() {
            return measured == SILENCE ? SILENCE : measured + gainDb;
        }
    }

    /**
     * Scales audio, in place, to a target integrated loudness, but never so far that its peak passes
     * a ceiling: clipping is worse than landing a little under the target. Silence is left as it is.
     *
     * @param samples mono audio, scaled in place
     * @param sampleRate its rate, &gt; 0
     * @param targetLufs the loudness to reach
     * @param peakCeiling the largest absolute sample value allowed after the gain, e.g. 0.891 (-1 dBFS)
     * @return the loudness measured, the gain applied and whether the ceiling limited it
     */
    public static Normalisation normalise(float[] samples, int sampleRate, double targetLufs, float peakCeiling) {
        double measured = integrated(samples, sampleRate);
        if (measured == SILENCE) {
            return new Normalisation(measured, 0, false);
        }
        float peak = 0;
        for (float v : samples) {
            peak = Math.max(peak, Math.abs(v));
        }
        double gainDb = targetLufs - measured;
        double gain = Math.pow(10, gainDb / 20);
        boolean limited = false;
        if (peak * gain > peakCeiling) {
            gain = peakCeiling / peak;
            gainDb = 20 * Math.log10(gain);
            limited = true;
        }
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (samples[i] * gain);
        }
        return new Normalisation(measured, gainDb, limited);
    }

    private static double gatedMean(double[] power, double threshold) {
        double sum = 0;
        int n = 0;
        for (double p : power) {
            if (p > threshold) {
                sum += p;
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private static double lufs(double meanSquare) {
        return -0.691 + 10 * Math.log10(meanSquare);
    }

    private static double powerOf(double lufs) {
        return Math.pow(10, (lufs + 0.691) / 10);
    }

    private static double[] kWeighted(float[] x, int fs) {
        // Stage 1: the head's high-shelf (+4 dB above ~1.7 kHz).
        double f0 = 1681.974450955533;
        double gain = 3.999843853973347;
        double q = 0.7071752369554196;
        double k = Math.tan(Math.PI * f0 / fs);
        double vh = Math.pow(10, gain / 20);
        double vb = Math.pow(vh, 0.4996667741545416);
        double a0 = 1 + k / q + k * k;
        double[] shelf = {(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
                2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0};
        // Stage 2: the RLB high-pass (~38 Hz).
        f0 = 38.13547087602444;
        q = 0.5003270373238773;
        k = Math.tan(Math.PI * f0 / fs);
        a0 = 1 + k / q + k * k;
        double[] highPass = {1, -2, 1, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0};
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i];
        }
        biquad(y, shelf);
        biquad(y, highPass);
        return y;
    }

    private static void biquad(double[] y, double[] c) {
        double x1 = 0;
        double x2 = 0;
        double y1 = 0;
        double y2 = 0;
        for (int i = 0; i < y.length; i++) {
            double x0 = y[i];
            double out = c[0] * x0 + c[1] * x1 + c[2] * x2 - c[3] * y1 - c[4] * y2;
            x2 = x1;
            x1 = x0;
            y2 = y1;
            y1 = out;
            y[i] = out;
        }
    }
}
