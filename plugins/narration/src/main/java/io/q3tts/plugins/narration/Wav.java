package io.q3tts.plugins.narration;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** 16-bit PCM in and out: the use cases' headerless PCM, and the finished track as a WAV file. */
final class Wav {

    private Wav() {
    }

    /**
     * @param pcm headerless 16-bit signed little-endian mono PCM (an odd trailing byte is ignored)
     * @return the samples in [-1, 1)
     */
    static float[] decodePcm16(byte[] pcm) {
        float[] out = new float[pcm.length / 2];
        ByteBuffer b = ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getShort() / 32768f;
        }
        return out;
    }

    /**
     * @param samples mono audio, clipped to [-1, 1]
     * @param sampleRate its rate
     * @return a RIFF WAVE file, 16-bit mono
     */
    static byte[] encode(float[] samples, int sampleRate) {
        int dataBytes = samples.length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (float s : samples) {
            float c = Math.max(-1f, Math.min(1f, s));
            b.putShort((short) Math.round(c * 32767f));
        }
        return b.array();
    }
}
