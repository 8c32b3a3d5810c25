package io.q3tts.lib.dsp;

/**
 * Band-limited sample-rate conversion between any two integer rates, with a Kaiser-windowed sinc
 * in polyphase form.
 *
 * <p>Design targets, comparable to soxr's "HQ" preset: flat passband up to {@value #PASSBAND} of
 * the lower rate's Nyquist frequency, stopband from that Nyquist frequency on, and
 * {@value #STOPBAND_DB} dB of stopband attenuation. The filter is linear phase and centred, so the
 * output has no delay: output sample {@code k} is the band-limited input at time
 * {@code k * inRate / outRate}. Samples beyond either end of the input count as zero. The output
 * holds {@code round(n * outRate / inRate)} samples.
 *
 * <p>When the reduced ratio needs at most {@value #MAX_EXACT_PHASES} filter phases (every common
 * rate pair) each phase is computed exactly; otherwise coefficients are interpolated linearly
 * from a table with {@value #TABLE_PHASES} phases per input sample, which keeps the interpolation
 * error below the stopband floor.
 *
 * <p>Instances are immutable and thread-safe; results are bit-for-bit deterministic.
 */
public final class Resampler {

    /** Fraction of the lower Nyquist frequency that is passed flat. */
    public static final double PASSBAND = 0.91;
    /** Stopband attenuation of the prototype filter, in dB. */
    public static final double STOPBAND_DB = 110.0;
    static final int MAX_EXACT_PHASES = 2048;
    static final int TABLE_PHASES = 2048;

    private final int inRate;
    private final int outRate;
    /** Reduced ratio: output k sits at input time k * down / up. */
    private final long up;
    private final long down;
    private final int halfTaps;
    private final int taps;
    private final boolean exact;
    private final int phases;
    private final double[] table;

    /**
     * Designs the filter for one rate pair.
     *
     * @param inRate input samples per second, &gt; 0
     * @param outRate output samples per second, &gt; 0
     */
    public Resampler(int inRate, int outRate) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + inRate + " -> " + outRate);
        }
        this.inRate = inRate;
        this.outRate = outRate;
        long g = gcd(inRate, outRate);
        this.up = outRate / g;
        this.down = inRate / g;

        double lowNyquist = Math.min(inRate, outRate) / 2.0;
        // Cutoff in the middle of the transition band [PASSBAND, 1] x lowNyquist, in cycles per input sample.
        double cutoff = lowNyquist * (1 + PASSBAND) / 2 / inRate;
        double transition = lowNyquist * (1 - PASSBAND) / inRate;
        double beta = 0.1102 * (STOPBAND_DB - 8.7);
        int length = (int) Math.ceil((STOPBAND_DB - 7.95) / (14.357 * transition)) + 1;
        this.halfTaps = (length + 1) / 2;
        this.taps = 2 * halfTaps;
        this.exact = up <= MAX_EXACT_PHASES;
        this.phases = exact ? (int) up : TABLE_PHASES;
        int rows = exact ? phases : phases + 1;
        this.table = new double[rows * taps];
        double i0Beta = besselI0(beta);
        for (int p = 0; p < rows; p++) {
            double frac = p / (double) phases;
            for (int j = 0; j < taps; j++) {
                double d = frac + halfTaps - 1 - j;
                table[p * taps + j] = kernel(d, cutoff, beta, i0Beta);
            }
        }
    }

    /**
     * Converts with a filter designed for this call; prefer an instance when converting repeatedly.
     *
     * @param input samples at {@code inRate}
     * @param inRate input rate
     * @param outRate output rate
     * @return samples at {@code outRate}
     */
    public static float[] resample(float[] input, int inRate, int outRate) {
        if (inRate == outRate) {
            return input.clone();
        }
        return new Resampler(inRate, outRate).process(input);
    }

    /** @return the input rate */
    public int inRate() {
        return inRate;
    }

    /** @return the output rate */
    public int outRate() {
        return outRate;
    }

    /** @return filter taps applied per output sample */
    public int tapsPerOutput() {
        return taps;
    }

    /**
     * @param inputLength samples in
     * @return samples out, {@code round(inputLength * outRate / inRate)}
     */
    public int outputLength(int inputLength) {
        return Math.toIntExact(((long) inputLength * outRate + inRate / 2) / inRate);
    }

    /**
     * @param input samples at the input rate
     * @return a new array at the output rate
     */
    public float[] process(float[] input) {
        if (inRate == outRate) {
            return input.clone();
        }
        int n = input.length;
        float[] out = new float[outputLength(n)];
        for (int k = 0; k < out.length; k++) {
            long pos = k * down;
            long whole = pos / up;
            long rem = pos - whole * up;
            int first = (int) (whole - halfTaps + 1);
            int jFrom = Math.max(0, -first);
            int jTo = Math.min(taps, n - first);
            double acc = 0;
            if (exact) {
                int row = (int) rem * taps;
                for (int j = jFrom; j < jTo; j++) {
                    acc += input[first + j] * table[row + j];
                }
            } else {
                double phase = rem * (double) phases / up;
                int p = (int) phase;
                double w = phase - p;
                int row0 = p * taps;
                int row1 = row0 + taps;
                for (int j = jFrom; j < jTo; j++) {
                    double c = table[row0 + j] + w * (table[row1 + j] - table[row0 + j]);
                    acc += input[first + j] * c;
                }
            }
            out[k] = (float) acc;
        }
        return out;
    }

    @Override
    public String toString() {
        return "Resampler[" + inRate + " -> " + outRate + " Hz, " + taps + " taps, "
                + (exact ? phases + " exact phases" : "interpolated") + "]";
    }

    /** Windowed ideal low-pass: d in input samples, cutoff in cycles per input sample. */
    private double kernel(double d, double cutoff, double beta, double i0Beta) {
        double x = d / halfTaps;
        if (Math.abs(x) >= 1) {
            return 0;
        }
        double window = besselI0(beta * Math.sqrt(1 - x * x)) / i0Beta;
        double arg = 2 * cutoff * d;
        double sinc = arg == 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
        return 2 * cutoff * sinc * window;
    }

    /** Modified Bessel function of the first kind, order 0, by its power series (converges fast for beta ~ 10). */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
