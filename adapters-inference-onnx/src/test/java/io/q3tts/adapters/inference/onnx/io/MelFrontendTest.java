package io.q3tts.adapters.inference.onnx.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MelFrontendTest {

    private static final int MELS = 8;

    @TempDir
    Path dir;

    @Test
    void givenRandomAudioAndFilterbank_whenComputed_thenMatchesNaiveDftReference() {
        SplittableRandom random = new SplittableRandom(7);
        float[] filters = sparseFilterbank(random);
        float[] audio = new float[3000];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) random.nextDouble(-0.9, 0.9);
        }
        MelFrontend mel = new MelFrontend(filters, MELS);
        float[] got = mel.compute(audio);
        float[] expected = naiveMel(audio, filters);
        assertEquals(expected.length, got.length);
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - expected[i]));
        }
        assertTrue(worst < 1e-5, "max abs diff " + worst);
    }

    @Test
    void givenLengths_whenFramed_thenCountMatchesTorchStftWithoutCentering() {
        assertEquals(1, MelFrontend.frameCount(385));
        assertEquals(1, MelFrontend.frameCount(511));
        assertEquals(2, MelFrontend.frameCount(512));
        assertEquals(93, MelFrontend.frameCount(24_000));
        for (int n = 385; n < 5000; n += 37) {
            assertEquals(n / 256, MelFrontend.frameCount(n));
        }
        MelFrontend mel = new MelFrontend(sparseFilterbank(new SplittableRandom(1)), MELS);
        assertEquals(2 * MELS, mel.compute(new float[600]).length);
        assertThrows(IllegalArgumentException.class, () -> mel.compute(new float[384]));
    }

    @Test
    void givenSilence_whenComputed_thenFloorIsLogOfEpsilonMagnitude() {
        float[] filters = new float[MELS * MelFrontend.BINS];
        for (int m = 0; m < MELS; m++) {
            filters[m * MelFrontend.BINS + 10 * m] = 1f;
        }
        float[] out = new MelFrontend(filters, MELS).compute(new float[1024]);
        // |X| = sqrt(1e-9) ~ 3.2e-5 > the 1e-5 clamp, so silence gives log(sqrt(1e-9)).
        for (float v : out) {
            assertEquals(Math.log(Math.sqrt(1e-9)), v, 1e-6);
        }
    }

    @Test
    void givenNpyFilterbank_whenLoaded_thenShapeIsChecked() throws Exception {
        float[] filters = sparseFilterbank(new SplittableRandom(3));
        Path ok = dir.resolve("mel_filters.npy");
        Npy.write(ok, filters, MELS, MelFrontend.BINS);
        assertEquals(MELS, MelFrontend.load(ok).mels());
        Path bad = dir.resolve("bad.npy");
        Npy.write(bad, new float[MELS * 512], MELS, 512);
        assertThrows(NpyFormatException.class, () -> MelFrontend.load(bad));
    }

    /** Triangles at random places, like a Slaney filterbank, plus one all-zero band. */
    private static float[] sparseFilterbank(SplittableRandom random) {
        float[] f = new float[MELS * MelFrontend.BINS];
        for (int m = 0; m < MELS - 1; m++) {
            int center = random.nextInt(5, MelFrontend.BINS - 5);
            for (int d = -4; d <= 4; d++) {
                f[m * MelFrontend.BINS + center + d] = (float) ((5 - Math.abs(d)) * random.nextDouble(0.001, 0.01));
            }
        }
        return f;
    }

    /** The spec written out literally: explicit padded copy, naive DFT, dense projection. */
    private static float[] naiveMel(float[] audio, float[] filters) {
        int n = audio.length;
        int pad = 384;
        double[] padded = new double[n + 2 * pad];
        for (int i = 0; i < padded.length; i++) {
            int j = i - pad;
            padded[i] = j < 0 ? audio[-j] : j >= n ? audio[2 * (n - 1) - j] : audio[j];
        }
        int frames = 1 + (padded.length - 1024) / 256;
        float[] out = new float[frames * MELS];
        for (int t = 0; t < frames; t++) {
            double[] mag = new double[513];
            for (int k = 0; k < 513; k++) {
                double re = 0;
                double im = 0;
                for (int i = 0; i < 1024; i++) {
                    double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / 1024);
                    double v = padded[t * 256 + i] * w;
                    double a = -2 * Math.PI * ((long) k * i % 1024) / 1024;
                    re += v * Math.cos(a);
                    im += v * Math.sin(a);
                }
                mag[k] = Math.sqrt(re * re + im * im + 1e-9);
            }
            for (int m = 0; m < MELS; m++) {
                double acc = 0;
                for (int k = 0; k < 513; k++) {
                    acc += filters[m * 513 + k] * mag[k];
                }
                out[t * MELS + m] = (float) Math.log(Math.max(acc, 1e-5));
            }
        }
        return out;
    }
}
