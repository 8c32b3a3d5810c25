package io.q3tts.plugins.subtitles;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** 16-bit little-endian PCM in and out: what the core returns for {@code response_format=pcm} and WAV's payload. */
final class Audio {

    private Audio() {
    }

    /**
     * @param pcm headerless 16-bit signed little-endian mono PCM
     * @return samples in [-1, 1)
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
     * @param samples mono audio; values outside [-1, 1] are clipped
     * @param sampleRate its rate
     * @return a RIFF WAVE file, 16-bit PCM mono
     */
    static byte[] wav(float[] samples, int sampleRate) {
        int dataBytes = samples.length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(36 + dataBytes).put(new byte[] {'W', 'A', 'V', 'E'});
        b.put(new byte[] {'f', 'm', 't', ' '}).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        b.put(new byte[] {'d', 'a', 't', 'a'}).putInt(dataBytes);
        for (float s : samples) {
            float c = Math.max(-1f, Math.min(1f, s));
            b.putShort((short) Math.round(c * 32767f));
        }
        return b.array();
    }
}
