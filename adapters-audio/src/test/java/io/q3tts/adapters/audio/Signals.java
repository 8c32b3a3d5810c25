package io.q3tts.adapters.audio;

/** Test signals and a frequency probe. */
final class Signals {

    private Signals() {
    }

    static float[] sine(double hz, int rate, double seconds, double amplitude) {
        float[] s = new float[(int) Math.round(rate * seconds)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return s;
    }

    /** Power at one frequency (Goertzel). */
    static double power(float[] x, int rate, double hz) {
        double w = 2 * Math.PI * hz / rate;
        double c = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (float v : x) {
            double s0 = v + c * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - c * s1 * s2;
    }

    /** @return the strongest frequency between 50 Hz and 4 kHz, on a 5 Hz grid */
    static double dominant(float[] x, int rate) {
        double best = 0;
        double bestHz = 0;
        for (double hz = 50; hz <= 4000; hz += 5) {
            double p = power(x, rate, hz);
            if (p > best) {
                best = p;
                bestHz = hz;
            }
        }
        return bestHz;
    }

    static double rms(float[] x) {
        double sum = 0;
        for (float v : x) {
            sum += v * v;
        }
        return Math.sqrt(sum / Math.max(1, x.length));
    }
}
