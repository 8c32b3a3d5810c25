package io.q3tts.adapters.inference.onnx.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The log-mel features the Qwen3-TTS speaker encoder reads (the official {@code mel_spectrogram}
 * with n_fft 1024, hop 256, window 1024, {@code center=False}).
 *
 * <p>Steps: reflect-pad 384 samples on each side; frame with hop 256; multiply by a periodic Hann
 * window of 1024; take the one-sided FFT magnitude as {@code sqrt(re^2 + im^2 + 1e-9)}; project
 * with the bundle's mel filterbank ({@code mel_filters.npy}, [mels, 513]); take
 * {@code log(max(mel, 1e-5))}. The frame count is that of {@code torch.stft(center=False)} on the
 * padded signal: {@code 1 + (n + 768 - 1024) / 256}, i.e. {@code floor(n / 256)}.
 *
 * <p>Computed in double precision, returned as float. The input must already be at 24 kHz and is
 * not normalised, as in the official code. Immutable and thread-safe.
 */
public final class MelFrontend {

    /** FFT and window length. */
    public static final int N_FFT = 1024;
    /** Frame hop in samples. */
    public static final int HOP = 256;
    /** Reflect padding on each side, {@code (N_FFT - HOP) / 2}. */
    public static final int PAD = (N_FFT - HOP) / 2;
    /** The sample rate the features are defined at. */
    public static final int SAMPLE_RATE = 24_000;
    /** FFT bins of the one-sided spectrum. */
    public static final int BINS = N_FFT / 2 + 1;

    private static final double MAG_EPS = 1e-9;
    private static final double LOG_FLOOR = 1e-5;

    private final int mels;
    private final double[] filters;
    /** Per mel band, the first and one-past-last non-zero bin: the Slaney filters are narrow triangles. */
    private final int[] from;
    private final int[] to;
    private final double[] window;

    /**
     * @param filterbank mel filterbank, row-major [mels, {@value #BINS}]
     * @param mels number of mel bands
     */
    public MelFrontend(float[] filterbank, int mels) {
        Objects.requireNonNull(filterbank, "filterbank");
        if (mels <= 0 || filterbank.length != (long) mels * BINS) {
            throw new IllegalArgumentException("filterbank must be [" + mels + ", " + BINS + "], got "
                    + filterbank.length + " values");
        }
        this.mels = mels;
        this.filters = new double[filterbank.length];
        this.from = new int[mels];
        this.to = new int[mels];
        for (int m = 0; m < mels; m++) {
            int lo = BINS;
            int hi = 0;
            for (int k = 0; k < BINS; k++) {
                float v = filterbank[m * BINS + k];
                filters[m * BINS + k] = v;
                if (v != 0) {
                    lo = Math.min(lo, k);
                    hi = k + 1;
                }
            }
            from[m] = Math.min(lo, hi);
            to[m] = hi;
        }
        window = new double[N_FFT];
        for (int i = 0; i < N_FFT; i++) {
            // Periodic Hann (torch.hann_window default): the period is N, not N - 1.
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / N_FFT);
        }
    }

    /**
     * Loads the filterbank from a bundle's {@code mel_filters.npy} (f32, [mels, 513]).
     *
     * @param melFiltersNpy the file
     * @return the frontend
     * @throws NpyFormatException if the file has the wrong dtype or shape
     * @throws IOException if it cannot be read
     */
    public static MelFrontend load(Path melFiltersNpy) throws IOException {
        try (Npy npy = Npy.open(melFiltersNpy, Npy.DType.F32, -1, BINS)) {
            return new MelFrontend(npy.toFloatArray(), npy.rows());
        }
    }

    /** @return mel bands per frame */
    public int mels() {
        return mels;
    }

    /** @return the smallest input length {@link #compute} accepts; reflect padding needs more samples than the pad */
    public static int minSamples() {
        return PAD + 1;
    }

    /**
     * @param samples input length, at least {@link #minSamples()}
     * @return the number of frames {@link #compute} returns for it
     */
    public static int frameCount(int samples) {
        return 1 + (samples + 2 * PAD - N_FFT) / HOP;
    }

    /**
     * @param audio mono samples at {@value #SAMPLE_RATE} Hz, at least {@link #minSamples()} of them
     * @return log-mel features, row-major [frames, {@link #mels()}]
     */
    public float[] compute(float[] audio) {
        int n = audio.length;
        if (n < minSamples()) {
            throw new IllegalArgumentException("audio too short for the mel frontend: " + n
                    + " samples, need at least " + minSamples());
        }
        int frames = frameCount(n);
        float[] out = new float[frames * mels];
        RealFft fft = new RealFft(N_FFT);
        double[] frame = new double[N_FFT];
        double[] re = new double[BINS];
        double[] im = new double[BINS];
        double[] mag = new double[BINS];
        for (int t = 0; t < frames; t++) {
            int start = t * HOP - PAD;
            for (int i = 0; i < N_FFT; i++) {
                frame[i] = reflect(audio, start + i) * window[i];
            }
            fft.forward(frame, re, im);
            for (int k = 0; k < BINS; k++) {
                mag[k] = Math.sqrt(re[k] * re[k] + im[k] * im[k] + MAG_EPS);
            }
            for (int m = 0; m < mels; m++) {
                double acc = 0;
                int row = m * BINS;
                for (int k = from[m]; k < to[m]; k++) {
                    acc += filters[row + k] * mag[k];
                }
                out[t * mels + m] = (float) Math.log(Math.max(acc, LOG_FLOOR));
            }
        }
        return out;
    }

    /** torch "reflect" padding: mirrors around the edge samples without repeating them. */
    private static float reflect(float[] x, int i) {
        if (i < 0) {
            return x[-i];
        }
        int n = x.length;
        return i < n ? x[i] : x[2 * (n - 1) - i];
    }
}
