package io.q3tts.adapters.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** RIFF/WAVE writing (16-bit mono) and reading (8/16/24/32-bit integer, 32/64-bit float, any channel count). */
final class WavCodec {

    private static final int RIFF = 0x46464952;
    private static final int WAVE = 0x45564157;
    private static final int FMT = 0x20746d66;
    private static final int DATA = 0x61746164;
    private static final int PCM = 1;
    private static final int IEEE_FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;

    private WavCodec() {
    }

    static boolean sniff(byte[] b) {
        return b.length >= 12 && le32(b, 0) == RIFF && le32(b, 8) == WAVE;
    }

    static byte[] encode(float[] samples, int sampleRate) {
        byte[] pcm = Pcm16.toBytes(samples);
        ByteBuffer b = ByteBuffer.allocate(44 + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(RIFF).putInt(36 + pcm.length).putInt(WAVE);
        b.putInt(FMT).putInt(16).putShort((short) PCM).putShort((short) 1).putInt(sampleRate)
                .putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        b.putInt(DATA).putInt(pcm.length).put(pcm);
        return b.array();
    }

    /** @throws MediaFormatException if the file is not a readable WAV */
    static Decoded decode(byte[] b) throws MediaFormatException {
        if (!sniff(b)) {
            throw new MediaFormatException("not a RIFF/WAVE file");
        }
        int pos = 12;
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        while (pos + 8 <= b.length) {
            int id = le32(b, pos);
            long size = Integer.toUnsignedLong(le32(b, pos + 4));
            int body = pos + 8;
            if (id == FMT) {
                if (size < 16 || body + 16 > b.length) {
                    throw new MediaFormatException("truncated fmt chunk");
                }
                format = le16(b, body);
                channels = le16(b, body + 2);
                rate = le32(b, body + 4);
                bits = le16(b, body + 14);
                if (format == EXTENSIBLE && size >= 40 && body + 26 <= b.length) {
                    format = le16(b, body + 24); // first two bytes of the sub-format GUID
                }
            } else if (id == DATA) {
                if (format < 0) {
                    throw new MediaFormatException("data chunk before fmt chunk");
                }
                // Streaming writers leave the size at 0 or 0xFFFFFFFF; then the data runs to the end.
                long available = b.length - (long) body;
                long length = size == 0 || size > available ? available : size;
                return new Decoded(samples(b, body, (int) length, format, channels, bits), rate);
            }
            pos = (int) Math.min(body + size + (size & 1), Integer.MAX_VALUE);
        }
        throw new MediaFormatException("no data chunk");
    }

    private static float[] samples(byte[] b, int off, int len, int format, int channels, int bits)
            throws MediaFormatException {
        if (channels < 1 || channels > 64) {
            throw new MediaFormatException("unsupported channel count " + channels);
        }
        boolean intPcm = format == PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean floatPcm = format == IEEE_FLOAT && (bits == 32 || bits == 64);
        if (!intPcm && !floatPcm) {
            throw new MediaFormatException("unsupported WAV encoding (format " + format + ", " + bits + " bits)");
        }
        int bytes = bits / 8;
        int frames = len / (bytes * channels);
        float[] out = new float[frames];
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        // As librosa.load (libsndfile + np.mean): each sample to float32, channels added in float32 in
        // order, the sum divided by the channel count in float32, so a clone reference or an encoded
        // clip has the official samples bit for bit (a double sum agrees up to two channels, not beyond).
        float count = channels;
        for (int f = 0; f < frames; f++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                int p = off + (f * channels + c) * bytes;
                float v = (float) switch (bits) {
                    case 8 -> ((b[p] & 0xFF) - 128) / 128.0;
                    case 16 -> buf.getShort(p) / 32768.0;
                    case 24 -> ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | b[p + 2] << 16) / 8388608.0;
                    case 32 -> floatPcm ? buf.getFloat(p) : buf.getInt(p) / 2147483648.0;
                    default -> buf.getDouble(p);
                };
                sum = c == 0 ? v : sum + v;
            }
            out[f] = channels == 1 ? sum : sum / count;
        }
        return out;
    }

    private static int le32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    private static int le16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }
}
