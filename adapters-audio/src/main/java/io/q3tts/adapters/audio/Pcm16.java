package io.q3tts.adapters.audio;

/** Float to 16-bit conversion shared by the encoders. */
final class Pcm16 {

    private Pcm16() {
    }

    /** @return the sample clipped to [-1, 1] and scaled to a signed 16-bit value, rounded */
    static short toShort(float sample) {
        float clipped = sample > 1f ? 1f : sample < -1f ? -1f : sample;
        if (Float.isNaN(clipped)) {
            return 0;
        }
        return (short) Math.round(clipped * 32767f);
    }

    /** @return the samples as little-endian signed 16-bit bytes */
    static byte[] toBytes(float[] samples) {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            short s = toShort(samples[i]);
            out[2 * i] = (byte) s;
            out[2 * i + 1] = (byte) (s >> 8);
        }
        return out;
    }
}
