package io.q3tts.adapters.inference.onnx.io;

/**
 * Forward FFT of a real signal whose length is a power of two, computed in double precision.
 *
 * <p>The real input is packed into a complex sequence of half the length (even samples real, odd
 * samples imaginary), transformed with an iterative radix-2 FFT, then split into the spectrum of
 * the real signal. Twiddles and the bit-reversal permutation are precomputed.
 *
 * <p>Not thread-safe: an instance owns scratch buffers. Create one per thread.
 */
public final class RealFft {

    private final int n;
    private final int half;
    private final int[] bitReverse;
    /** exp(-2 pi i j / half) for j in [0, half/2). */
    private final double[] twCos;
    private final double[] twSin;
    /** exp(-2 pi i k / n) for k in [0, half]. */
    private final double[] splitCos;
    private final double[] splitSin;
    private final double[] zr;
    private final double[] zi;

    /** @param n transform length, a power of two, at least 2 */
    public RealFft(int n) {
        if (n < 2 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT length must be a power of two >= 2: " + n);
        }
        this.n = n;
        this.half = n / 2;
        int bits = Integer.numberOfTrailingZeros(half);
        bitReverse = new int[half];
        for (int i = 0; i < half; i++) {
            bitReverse[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
        }
        twCos = new double[Math.max(1, half / 2)];
        twSin = new double[twCos.length];
        for (int j = 0; j < twCos.length; j++) {
            double a = 2 * Math.PI * j / half;
            twCos[j] = Math.cos(a);
            twSin[j] = -Math.sin(a);
        }
        splitCos = new double[half + 1];
        splitSin = new double[half + 1];
        for (int k = 0; k <= half; k++) {
            double a = 2 * Math.PI * k / n;
            splitCos[k] = Math.cos(a);
            splitSin[k] = Math.sin(a);
        }
        zr = new double[half];
        zi = new double[half];
    }

    /** @return the transform length */
    public int size() {
        return n;
    }

    /** @return the number of output bins, {@code n/2 + 1} */
    public int bins() {
        return half + 1;
    }

    /**
     * Computes {@code X[k] = sum_t x[t] exp(-2 pi i k t / n)} for {@code k = 0 .. n/2}.
     *
     * @param x input of length {@link #size()}
     * @param re real parts, length at least {@link #bins()}
     * @param im imaginary parts, length at least {@link #bins()}
     */
    public void forward(double[] x, double[] re, double[] im) {
        if (x.length != n || re.length < half + 1 || im.length < half + 1) {
            throw new IllegalArgumentException("need x[" + n + "], re/im[" + (half + 1) + "]");
        }
        for (int i = 0; i < half; i++) {
            int r = bitReverse[i];
            zr[r] = x[2 * i];
            zi[r] = x[2 * i + 1];
        }
        for (int size = 2; size <= half; size <<= 1) {
            int h = size >> 1;
            int step = half / size;
            for (int start = 0; start < half; start += size) {
                for (int j = 0; j < h; j++) {
                    double wr = twCos[j * step];
                    double wi = twSin[j * step];
                    int a = start + j;
                    int b = a + h;
                    double tr = wr * zr[b] - wi * zi[b];
                    double ti = wr * zi[b] + wi * zr[b];
                    zr[b] = zr[a] - tr;
                    zi[b] = zi[a] - ti;
                    zr[a] += tr;
                    zi[a] += ti;
                }
            }
        }
        // Split Z into the spectra E (even samples) and O (odd samples): X[k] = E[k] + W^k O[k].
        for (int k = 0; k <= half; k++) {
            int ka = k == half ? 0 : k;
            int kb = k == 0 ? 0 : half - k;
            double ar = zr[ka];
            double ai = zi[ka];
            double br = zr[kb];
            double bi = -zi[kb];
            double er = 0.5 * (ar + br);
            double ei = 0.5 * (ai + bi);
            double or = 0.5 * (ai - bi);
            double oi = -0.5 * (ar - br);
            double c = splitCos[k];
            double s = splitSin[k];
            re[k] = er + c * or + s * oi;
            im[k] = ei + c * oi - s * or;
        }
    }
}
