package io.q3tts.adapters.inference.onnx.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes mono WAV files. Stateless and thread-safe.
 *
 * <p>16-bit PCM scales by 32768 and clips, the inverse of {@link WavReader}'s scaling, so values
 * that came from 16-bit PCM round-trip exactly. Rounding is to nearest-even, matching
 * libsndfile/soundfile.
 */
public final class WavWriter {

    /** Sample encodings the writer offers. */
    public enum Encoding {
        /** 16-bit signed PCM, the most widely playable choice. */
        PCM_16(1, 16),
        /** 32-bit IEEE float: lossless for the engine's float output. */
        FLOAT_32(3, 32);

        private final int tag;
        private final int bits;

        Encoding(int tag, int bits) {
            this.tag = tag;
            this.bits = bits;
        }
    }

    private static final int HEADER_BYTES = 44;

    private WavWriter() {
    }

    /**
     * @param samples mono samples
     * @param sampleRate samples per second, &gt; 0
     * @param encoding sample encoding
     * @return a complete WAV file
     */
    public static byte[] toBytes(float[] samples, int sampleRate, Encoding encoding) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
        int bytesPerSample = encoding.bits / 8;
        long dataBytes = (long) samples.length * bytesPerSample;
        if (dataBytes > 0xFFFFFFFFL - HEADER_BYTES) {
            throw new IllegalArgumentException("too many samples for a RIFF file: " + samples.length);
        }
        // Float files get no 'fact' chunk: every reader we target accepts a 44-byte float header.
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(HEADER_BYTES + dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt((int) (36 + dataBytes)).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16)
                .putShort((short) encoding.tag)
                .putShort((short) 1)
                .putInt(sampleRate)
                .putInt(sampleRate * bytesPerSample)
                .putShort((short) bytesPerSample)
                .putShort((short) encoding.bits);
        b.put(ascii("data")).putInt((int) dataBytes);
        if (encoding == Encoding.PCM_16) {
            for (float s : samples) {
                b.putShort(toPcm16(s));
            }
        } else {
            for (float s : samples) {
                b.putFloat(s);
            }
        }
        return b.array();
    }

    /**
     * Writes a file atomically (via a temporary sibling), so readers never see half a file.
     *
     * @param file target, replaced if it exists
     * @param samples mono samples
     * @param sampleRate samples per second
     * @param encoding sample encoding
     * @throws IOException if writing fails
     */
    public static void write(Path file, float[] samples, int sampleRate, Encoding encoding) throws IOException {
        byte[] bytes = toBytes(samples, sampleRate, encoding);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * @param out destination, not closed
     * @param samples mono samples
     * @param sampleRate samples per second
     * @param encoding sample encoding
     * @throws IOException if writing fails
     */
    public static void write(OutputStream out, float[] samples, int sampleRate, Encoding encoding) throws IOException {
        out.write(toBytes(samples, sampleRate, encoding));
    }

    static short toPcm16(float s) {
        double v = Math.rint(s * 32768.0);
        if (v > Short.MAX_VALUE) {
            return Short.MAX_VALUE;
        }
        if (v < Short.MIN_VALUE) {
            return Short.MIN_VALUE;
        }
        // NaN lands here and becomes 0, which is the only sensible sample for it.
        return (short) v;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
