package io.q3tts.adapters.inference.onnx.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RealFftTest {

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8, 64, 1024})
    void givenRandomSignal_whenTransformed_thenMatchesNaiveDft(int n) {
        SplittableRandom random = new SplittableRandom(n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextDouble(-1, 1);
        }
        RealFft fft = new RealFft(n);
        double[] re = new double[fft.bins()];
        double[] im = new double[fft.bins()];
        fft.forward(x, re, im);
        for (int k = 0; k <= n / 2; k++) {
            double sr = 0;
            double si = 0;
            for (int t = 0; t < n; t++) {
                double a = -2 * Math.PI * ((long) k * t % n) / n;
                sr += x[t] * Math.cos(a);
                si += x[t] * Math.sin(a);
            }
            assertEquals(sr, re[k], 1e-10, "re[" + k + "]");
            assertEquals(si, im[k], 1e-10, "im[" + k + "]");
        }
    }

    @Test
    void givenReuse_whenTransformedTwice_thenScratchDoesNotLeak() {
        RealFft fft = new RealFft(16);
        double[] re = new double[9];
        double[] im = new double[9];
        double[] impulse = new double[16];
        impulse[0] = 1;
        fft.forward(new double[] {5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, re, im);
        fft.forward(impulse, re, im);
        for (int k = 0; k < 9; k++) {
            assertEquals(1, re[k], 1e-15);
            assertEquals(0, im[k], 1e-15);
        }
    }

    @Test
    void givenNonPowerOfTwo_whenCreated_thenRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RealFft(1000));
        assertThrows(IllegalArgumentException.class, () -> new RealFft(1));
    }
}
