package io.q3tts.plugins.narration;

/** Deterministic test speech: a sine whose length follows the text at 15 characters per second. */
final class Tones {

    private Tones() {
    }

    static float[] tone(double seconds, double hz, double amplitude, int rate) {
        float[] out = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return out;
    }

    static double secondsFor(String text) {
        return text.length() / 15.0;
    }
}
