package io.q3tts.adapters.http;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.UnsupportedException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The little PCM work the adapter does itself: 16-bit conversion of streamed chunks, WAV headers
 * for streamed WAV, and the optional {@code sample_rate} resampling of WAV/PCM responses. Encoding
 * compressed formats is the core's business (the {@code AudioEncoder} port), so resampling is
 * offered only for the two formats the adapter can rewrite without an encoder.
 */
final class Pcm {

    /** Lowest accepted {@code sample_rate}. */
    static final int MIN_RATE = 8_000;
    /** Highest accepted {@code sample_rate}. */
    static final int MAX_RATE = 48_000;

    private static final int WAV_HEADER = 44;
    /** Sinc half-width in input samples; 16 taps each side keep the passband flat to ~0.9 Nyquist. */
    private static final int HALF_TAPS = 16;

    private Pcm() {
    }

    /**
     * @param samples mono floats in [-1, 1]
     * @return 16-bit signed little-endian PCM
     */
    static byte[] toPcm16(float[] samples) {
        ByteBuffer b = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : samples) {
            float c = Math.max(-1f, Math.min(1f, s));
            b.putShort((short) Math.round(c * 32767f));
        }
        return b.array();
    }

    /**
     * A WAV header for 16-bit mono PCM.
     *
     * @param sampleRate samples per second
     * @param dataBytes the data size, or -1 for a stream of unknown length (sizes set to 0xFFFFFFFF,
     *     which ffmpeg, browsers and Python's soundfile read as "until the end")
     * @return 44 bytes
     */
    static byte[] wavHeader(int sampleRate, long dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(WAV_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        int riffSize = dataBytes < 0 ? -1 : (int) (dataBytes + 36);
        int dataSize = dataBytes < 0 ? -1 : (int) dataBytes;
        b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(riffSize).put(new byte[] {'W', 'A', 'V', 'E'});
        b.put(new byte[] {'f', 'm', 't', ' '}).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        b.put(new byte[] {'d', 'a', 't', 'a'}).putInt(dataSize);
        return b.array();
    }

    /**
     * @param value a requested {@code sample_rate}
     * @param field the field name
     * @return it
     * @throws InvalidArgumentException naming {@code field} if out of range
     */
    static int checkRate(int value, String field) {
        if (value < MIN_RATE || value > MAX_RATE) {
            throw new InvalidArgumentException(field, field + " must be between " + MIN_RATE + " and " + MAX_RATE
                    + " Hz, got " + value + ".");
        }
        return value;
    }

    /**
     * Resamples a WAV or PCM response.
     *
     * @param audio the audio as the core returned it
     * @param rate the wanted rate
     * @return the audio at {@code rate}, same format
     * @throws UnsupportedException (field {@code sample_rate}) for compressed formats
     */
    static EncodedAudio resample(EncodedAudio audio, int rate) {
        if (audio.sampleRate() == rate) {
            return audio;
        }
        short[] in = switch (audio.format()) {
            case PCM -> shorts(audio.bytes(), 0, audio.bytes().length);
            case WAV -> wavSamples(audio.bytes());
            default -> throw new UnsupportedException("sample_rate",
                    "sample_rate is supported with response_format wav or pcm only; got " + audio.format().key() + ".");
        };
        short[] out = resample(in, audio.sampleRate(), rate);
        byte[] pcm = new byte[out.length * 2];
        ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(out);
        byte[] bytes = pcm;
        if (audio.format() == AudioFormat.WAV) {
            bytes = new byte[WAV_HEADER + pcm.length];
            System.arraycopy(wavHeader(rate, pcm.length), 0, bytes, 0, WAV_HEADER);
            System.arraycopy(pcm, 0, bytes, WAV_HEADER, pcm.length);
        }
        return new EncodedAudio(audio.format(), bytes, rate, out.length / (double) rate);
    }

    /** Band-limited (windowed-sinc, Blackman) resampling; cut-off at the lower Nyquist so downsampling does not alias. */
    static short[] resample(short[] in, int from, int to) {
        int n = (int) ((long) in.length * to / from);
        short[] out = new short[n];
        double ratio = (double) from / to;
        double cutoff = Math.min(1.0, (double) to / from);
        int half = (int) Math.ceil(HALF_TAPS / cutoff);
        for (int i = 0; i < n; i++) {
            double center = i * ratio;
            int first = (int) Math.floor(center) - half + 1;
            double acc = 0;
            double norm = 0;
            for (int j = first; j < first + 2 * half; j++) {
                double x = j - center;
                double w = window(x / half) * cutoff * sinc(x * cutoff);
                norm += w;
                if (j >= 0 && j < in.length) {
                    acc += w * in[j];
                }
            }
            double v = norm == 0 ? 0 : acc / norm;
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
        }
        return out;
    }

    private static double sinc(double x) {
        return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    private static double window(double t) {
        if (t <= -1 || t >= 1) {
            return 0;
        }
        double p = Math.PI * (t + 1);
        return 0.42 - 0.5 * Math.cos(p) + 0.08 * Math.cos(2 * p);
    }

    /**
     * Reads the samples of a 16-bit PCM WAV (first channel), walking the chunks so files with
     * extra chunks ({@code LIST}) work too.
     */
    static short[] wavSamples(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new IllegalStateException("not a RIFF/WAVE file");
        }
        int channels = 1;
        int bits = 16;
        int pos = 12;
        while (pos + 8 <= wav.length) {
            int id = b.getInt(pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id == 0x20746d66) {
                channels = b.getShort(body + 2);
                bits = b.getShort(body + 14);
            } else if (id == 0x61746164) {
                if (bits != 16) {
                    throw new IllegalStateException("only 16-bit WAV can be resampled");
                }
                int end = (int) Math.min(wav.length, body + size);
                short[] all = shorts(wav, body, end - body);
                if (channels == 1) {
                    return all;
                }
                short[] mono = new short[all.length / channels];
                for (int i = 0; i < mono.length; i++) {
                    mono[i] = all[i * channels];
                }
                return mono;
            }
            pos = (int) (body + size + (size & 1));
        }
        throw new IllegalStateException("WAV without a data chunk");
    }

    private static short[] shorts(byte[] bytes, int offset, int length) {
        short[] s = new short[length / 2];
        ByteBuffer.wrap(bytes, offset, length - (length & 1)).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
        return s;
    }
}
