package io.q3tts.lib.dsp;

/**
 * Tempo change without pitch change by WSOLA (waveform-similarity overlap-add).
 *
 * <p>The output is built from {@value #FRAME_MS} ms Hann-windowed frames laid at a fixed hop of
 * half a frame, so the windows sum to one. Frame {@code k} is read from the input around
 * {@code k * hop * speed}, shifted by up to {@value #TOLERANCE_MS} ms to the position whose
 * waveform best matches (normalised cross-correlation) the natural continuation of the previous
 * frame. That alignment keeps periodic signals in phase across frames, which is what keeps voiced
 * speech free of the phasiness of a plain overlap-add. Samples beyond either end of the input count
 * as zero.
 *
 * <p>Stateless and thread-safe; results are bit-for-bit deterministic.
 */
public final class TimeStretch {

    /** Analysis and synthesis frame length, in milliseconds. */
    public static final double FRAME_MS = 32.0;
    /** Largest shift of a frame from its nominal input position, in milliseconds. */
    public static final double TOLERANCE_MS = 8.0;

    private TimeStretch() {
    }

    /**
     * @param samples mono audio, never null; not modified
     * @param sampleRate samples per second, &gt; 0
     * @param speed tempo factor, finite and &gt; 0: 2.0 plays twice as fast (half the length)
     * @return a new array of {@code round(samples.length / speed)} samples; a copy when speed is 1
     * @throws IllegalArgumentException if the rate or speed is out of range
     */
    public static float[] stretch(float[] samples, int sampleRate, double speed) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a positive number: " + speed);
        }
        int outLength = (int) Math.round(samples.length / speed);
        if (speed == 1.0) {
            return samples.clone();
        }
        if (outLength == 0) {
            return new float[0];
        }
        int hop = Math.max(1, (int) Math.round(FRAME_MS * sampleRate / 2000.0));
        int frame = 2 * hop;
        int tolerance = Math.max(1, (int) Math.round(TOLERANCE_MS * sampleRate / 1000.0));
        double[] window = new double[frame];
        for (int i = 0; i < frame; i++) {
            // Periodic Hann: at a hop of half its length copies sum to exactly one.
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / frame);
        }
        double[] out = new double[outLength + frame];
        double[] weight = new double[outLength + frame];
        int frames = outLength / hop + 2;
        // Frame k's centre sits at output k*hop; its input centre is chosen near k*hop*speed.
        long previousCentre = 0;
        for (int k = 0; k < frames; k++) {
            long nominal = Math.round(k * hop * speed);
            long centre = k == 0 ? 0 : bestMatch(samples, previousCentre + hop, nominal, hop, tolerance);
            long inStart = centre - hop;
            long outStart = (long) k * hop - hop;
            for (int i = 0; i < frame; i++) {
                long o = outStart + i;
                if (o < 0 || o >= out.length) {
                    continue;
                }
                out[(int) o] += window[i] * at(samples, inStart + i);
                weight[(int) o] += window[i];
            }
            previousCentre = centre;
        }
        float[] result = new float[outLength];
        for (int i = 0; i < outLength; i++) {
            // The windows sum to one wherever two frames overlap; dividing only guards rounding.
            result[i] = (float) (weight[i] > 1e-6 ? out[i] / weight[i] : out[i]);
        }
        return result;
    }

    /**
     * The input centre within {@code nominal ± tolerance} whose first half-frame best matches the
     * half-frame that follows the previous frame's centre in the input, by normalised correlation.
     */
    private static long bestMatch(float[] x, long natural, long nominal, int hop, int tolerance) {
        long best = nominal;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (long c = nominal - tolerance; c <= nominal + tolerance; c++) {
            double dot = 0;
            double energy = 0;
            // The overlap region: the candidate's first half against the continuation's first half.
            for (int i = 0; i < hop; i++) {
                double a = at(x, natural - hop + i);
                double b = at(x, c - hop + i);
                dot += a * b;
                energy += b * b;
            }
            double score = energy > 1e-12 ? dot / Math.sqrt(energy) : 0;
            if (score > bestScore) {
                bestScore = score;
                best = c;
            }
        }
        return best;
    }

    private static double at(float[] x, long i) {
        return i >= 0 && i < x.length ? x[(int) i] : 0.0;
    }
}
