package io.q3tts.adapters.inference.onnx.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads RIFF/WAVE files into mono float samples.
 *
 * <p>Supported: PCM 8-bit unsigned and 16/24/32-bit signed, IEEE float 32/64-bit, either as plain
 * format tags or inside {@code WAVE_FORMAT_EXTENSIBLE}; any channel count (averaged to mono) and
 * any sample rate. Unknown chunks ({@code LIST}, {@code fact}, {@code bext}...) are skipped, with
 * RIFF's odd-size padding honoured. Integer samples are scaled by 2^(bits-1), so 16-bit -32768
 * maps to exactly -1.
 *
 * <p>The result is bit for bit what the official code's {@code librosa.load(path, sr=None, mono=True)}
 * returns: libsndfile turns each sample into a float32 (integers scaled by 2^(bits-1), doubles
 * rounded), and librosa's {@code np.mean} over the channels adds the float32 channels in order in
 * float32 and divides the sum by the channel count in float32. For mono and stereo a double sum
 * gives the same floats (one rounding of the same exact value); from three channels on it would not.
 *
 * <p>A data chunk whose size field is 0xFFFFFFFF, or 0 while the RIFF size is 0 or 0xFFFFFFFF too
 * (placeholders left by writers that stream to a pipe), is read to the end of the file. Anything else inconsistent is an {@link InvalidAudioException}.
 * Stateless and thread-safe.
 */
public final class WavReader {

    private static final int FORMAT_PCM = 0x0001;
    private static final int FORMAT_FLOAT = 0x0003;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;
    /** The tail every KSDATAFORMAT_SUBTYPE GUID shares; the first two bytes carry the format tag. */
    private static final byte[] GUID_TAIL = {
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71
    };

    private WavReader() {
    }

    /**
     * @param file a WAV file
     * @return the decoded audio
     * @throws InvalidAudioException if the file is not a readable WAV
     * @throws IOException if the file cannot be read
     */
    public static WavAudio read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 16) {
            throw new InvalidAudioException("The audio file is too large (" + size / (1 << 20) + " MiB); use a shorter recording.");
        }
        return read(Files.readAllBytes(file));
    }

    /**
     * @param in a WAV stream, read to its end but not closed
     * @return the decoded audio
     * @throws InvalidAudioException if the stream is not a readable WAV
     * @throws IOException if reading fails
     */
    public static WavAudio read(InputStream in) throws IOException {
        return read(in.readAllBytes());
    }

    /**
     * @param bytes a whole WAV file
     * @return the decoded audio
     * @throws InvalidAudioException if the bytes are not a readable WAV
     */
    public static WavAudio read(byte[] bytes) throws InvalidAudioException {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12) {
            throw new InvalidAudioException("Not a WAV file: it is only " + bytes.length + " bytes long.");
        }
        String riff = fourCc(buf, 0);
        if (riff.equals("RIFX") || riff.equals("RF64")) {
            throw new InvalidAudioException("Unsupported WAV variant " + riff + "; convert it to a standard little-endian RIFF WAV.");
        }
        if (!riff.equals("RIFF") || !fourCc(buf, 8).equals("WAVE")) {
            throw new InvalidAudioException("Not a WAV file: it does not start with a RIFF/WAVE header.");
        }
        long riffSize = Integer.toUnsignedLong(buf.getInt(4));
        // Writers that cannot seek back leave the RIFF size at 0 or 0xFFFFFFFF; a zero data size then means "unknown".
        boolean streamingRiffSize = riffSize == 0 || riffSize == 0xFFFFFFFFL;
        Format format = null;
        int pos = 12;
        while (true) {
            if (bytes.length - pos < 8) {
                String what = format == null ? "no format (fmt) chunk" : "no data chunk";
                throw new InvalidAudioException("Invalid WAV file: " + what + " was found; the file may be truncated.");
            }
            String id = fourCc(buf, pos);
            long chunkSize = Integer.toUnsignedLong(buf.getInt(pos + 4));
            int body = pos + 8;
            long available = bytes.length - (long) body;
            if (id.equals("fmt ")) {
                if (format != null) {
                    throw new InvalidAudioException("Invalid WAV file: it has more than one format (fmt) chunk.");
                }
                if (chunkSize > available) {
                    throw new InvalidAudioException("Invalid WAV file: the format chunk is truncated.");
                }
                format = parseFormat(buf, body, (int) chunkSize);
            } else if (id.equals("data")) {
                if (format == null) {
                    throw new InvalidAudioException("Invalid WAV file: the audio data comes before the format (fmt) chunk.");
                }
                long dataBytes = chunkSize;
                if (chunkSize == 0xFFFFFFFFL || (chunkSize == 0 && streamingRiffSize)) {
                    dataBytes = available - available % format.blockAlign;
                } else if (chunkSize > available) {
                    throw new InvalidAudioException("Truncated WAV file: the data chunk declares " + chunkSize
                            + " bytes but only " + available + " are present.");
                }
                if (dataBytes % format.blockAlign != 0) {
                    throw new InvalidAudioException("Corrupt WAV file: the data size (" + dataBytes
                            + " bytes) is not a whole number of sample frames of " + format.blockAlign + " bytes.");
                }
                return decode(buf, body, (int) dataBytes, format);
            } else if (chunkSize > available) {
                throw new InvalidAudioException("Invalid WAV file: chunk '" + printable(id) + "' is truncated.");
            }
            // RIFF pads odd-sized chunks with one byte that the size field does not count.
            long next = body + chunkSize + (chunkSize & 1);
            if (next > bytes.length) {
                next = bytes.length;
            }
            pos = (int) next;
        }
    }

    private record Format(int encoding, int channels, int sampleRate, int blockAlign, int bitsPerSample) {
        int bytesPerSample() {
            return bitsPerSample / 8;
        }
    }

    private static Format parseFormat(ByteBuffer buf, int at, int size) throws InvalidAudioException {
        if (size < 16) {
            throw new InvalidAudioException("Invalid WAV file: the format chunk is too short (" + size + " bytes).");
        }
        int tag = Short.toUnsignedInt(buf.getShort(at));
        int channels = Short.toUnsignedInt(buf.getShort(at + 2));
        long sampleRate = Integer.toUnsignedLong(buf.getInt(at + 4));
        int blockAlign = Short.toUnsignedInt(buf.getShort(at + 12));
        int bits = Short.toUnsignedInt(buf.getShort(at + 14));
        int encoding = tag;
        if (tag == FORMAT_EXTENSIBLE) {
            if (size < 40 || Short.toUnsignedInt(buf.getShort(at + 16)) < 22) {
                throw new InvalidAudioException("Invalid WAV file: the extensible format chunk is too short.");
            }
            int guidAt = at + 24;
            for (int i = 0; i < GUID_TAIL.length; i++) {
                if (buf.get(guidAt + 2 + i) != GUID_TAIL[i]) {
                    throw new InvalidAudioException("Unsupported WAV encoding: unknown extensible sub-format; use PCM or float.");
                }
            }
            encoding = Short.toUnsignedInt(buf.getShort(guidAt));
        }
        if (channels == 0) {
            throw new InvalidAudioException("Invalid WAV file: it declares zero channels.");
        }
        if (sampleRate == 0 || sampleRate > 1_000_000) {
            throw new InvalidAudioException("Invalid WAV file: unusable sample rate " + sampleRate + " Hz.");
        }
        boolean supported = switch (encoding) {
            case FORMAT_PCM -> bits == 8 || bits == 16 || bits == 24 || bits == 32;
            case FORMAT_FLOAT -> bits == 32 || bits == 64;
            default -> false;
        };
        if (!supported) {
            String name = switch (encoding) {
                case FORMAT_PCM -> bits + "-bit PCM";
                case FORMAT_FLOAT -> bits + "-bit float";
                case 0x0002 -> "ADPCM";
                case 0x0006 -> "A-law";
                case 0x0007 -> "mu-law";
                case 0x0011 -> "IMA ADPCM";
                case 0x0055 -> "MP3";
                default -> String.format("format tag 0x%04X", encoding);
            };
            throw new InvalidAudioException("Unsupported WAV encoding (" + name
                    + "); use 8/16/24/32-bit PCM or 32/64-bit float.");
        }
        if (blockAlign != channels * (bits / 8)) {
            throw new InvalidAudioException("Corrupt WAV file: block align " + blockAlign + " does not match "
                    + channels + " channel(s) of " + bits + "-bit samples.");
        }
        return new Format(encoding, channels, (int) sampleRate, blockAlign, bits);
    }

    private static WavAudio decode(ByteBuffer buf, int at, int dataBytes, Format f) {
        int frames = dataBytes / f.blockAlign;
        int channels = f.channels;
        int width = f.bytesPerSample();
        float[] out = new float[frames];
        float count = channels;
        int p = at;
        for (int i = 0; i < frames; i++) {
            // Starting from channel 0 (not from 0f) keeps a -0.0 sample's sign, as numpy's reduce does.
            float sum = (float) sample(buf, p, f);
            p += width;
            for (int c = 1; c < channels; c++, p += width) {
                sum += (float) sample(buf, p, f);
            }
            out[i] = channels == 1 ? sum : sum / count;
        }
        return new WavAudio(out, f.sampleRate, channels, f.bitsPerSample, f.encoding == FORMAT_FLOAT);
    }

    private static double sample(ByteBuffer buf, int p, Format f) {
        if (f.encoding == FORMAT_FLOAT) {
            return f.bitsPerSample == 32 ? buf.getFloat(p) : buf.getDouble(p);
        }
        return switch (f.bitsPerSample) {
            case 8 -> (Byte.toUnsignedInt(buf.get(p)) - 128) / 128.0;
            case 16 -> buf.getShort(p) / 32768.0;
            case 24 -> ((buf.get(p) & 0xFF) | (buf.get(p + 1) & 0xFF) << 8 | buf.get(p + 2) << 16) / 8388608.0;
            default -> buf.getInt(p) / 2147483648.0;
        };
    }

    private static String fourCc(ByteBuffer buf, int at) {
        byte[] id = new byte[4];
        buf.get(at, id);
        return new String(id, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String id) {
        return id.codePoints().allMatch(c -> c >= 0x20 && c < 0x7F) ? id : "?";
    }
}
