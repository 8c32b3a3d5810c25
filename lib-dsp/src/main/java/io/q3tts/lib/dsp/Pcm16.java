package io.q3tts.lib.dsp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * 16-bit mono PCM in and out: the core's headerless {@code response_format=pcm}, and plain RIFF
 * WAVE files (the format pipelines store their tracks and parts in).
 */
public final class Pcm16 {

    private static final int HEADER = 44;

    private Pcm16() {
    }

    /**
     * @param pcm headerless 16-bit signed little-endian mono PCM (an odd trailing byte is ignored)
     * @return the samples in [-1, 1)
     */
    public static float[] decode(byte[] pcm) {
        return decode(pcm, 0, pcm.length);
    }

    private static float[] decode(byte[] pcm, int offset, int length) {
        float[] out = new float[length / 2];
        ByteBuffer b = ByteBuffer.wrap(pcm, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getShort() / 32768f;
        }
        return out;
    }

    /**
     * @param samples mono audio; values outside [-1, 1] are clipped
     * @return headerless 16-bit signed little-endian PCM
     */
    public static byte[] encode(float[] samples) {
        ByteBuffer b = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : samples) {
            b.putShort(quantize(s));
        }
        return b.array();
    }

    /**
     * @param samples mono audio; values outside [-1, 1] are clipped
     * @param sampleRate its rate, &gt; 0
     * @return a RIFF WAVE file, 16-bit PCM mono
     */
    public static byte[] wav(float[] samples, int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
        int dataBytes = samples.length * 2;
        ByteBuffer b = ByteBuffer.allocate(HEADER + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (float s : samples) {
            b.putShort(quantize(s));
        }
        return b.array();
    }

    /**
     * Reads a WAV file this class wrote (or any canonical 16-bit mono PCM WAV with a 44-byte header).
     *
     * @param wav the file
     * @return the samples
     * @throws IllegalArgumentException if it is not such a file
     */
    public static float[] fromWav(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < HEADER || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157 || b.getShort(20) != 1
                || b.getShort(22) != 1 || b.getShort(34) != 16 || b.getInt(36) != 0x61746164) {
            throw new IllegalArgumentException("not a canonical 16-bit mono PCM WAV file");
        }
        int length = Math.min(b.getInt(40), wav.length - HEADER);
        return decode(wav, HEADER, Math.max(0, length));
    }

    /**
     * @param wav a canonical WAV file
     * @return its sample rate
     */
    public static int sampleRate(byte[] wav) {
        if (wav.length < HEADER) {
            throw new IllegalArgumentException("not a WAV file");
        }
        return ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).getInt(24);
    }

    /** The inverse of {@link #decode}'s division by 32768, so decoded PCM re-encodes to the same bytes. */
    private static short quantize(float s) {
        long v = Math.round((double) s * 32768.0);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
    }
}
