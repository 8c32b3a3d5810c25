package io.q3tts.adapters.audio;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.gagravarr.ogg.OggPacketReader;
import org.gagravarr.opus.OpusAudioData;
import org.gagravarr.opus.OpusFile;
import org.gagravarr.opus.OpusInfo;
import org.gagravarr.opus.OpusTags;

/**
 * Opus in Ogg through Concentus (codec) and vorbis-java-core (container). Opus always runs at
 * 48 kHz; callers resample first. Ogg Vorbis is recognised and decoded by an installed ffmpeg
 * ({@link FfmpegDecoder}; no maintained pure-Java Vorbis decoder on Maven Central fits this build),
 * or rejected with a message saying what is missing.
 */
final class OggOpusCodec {

    /** The only rate Opus encodes at here. */
    static final int RATE = 48_000;
    /** 20 ms frames: the usual choice for speech. */
    private static final int FRAME = 960;
    /** The longest Opus packet: 120 ms at 48 kHz. */
    private static final int MAX_FRAME = 5760;
    private static final int BITRATE = 48_000;

    /** What an Ogg stream carries, judged by its first packet. */
    enum Kind { OPUS, VORBIS, OTHER }

    private OggOpusCodec() {
    }

    static boolean sniff(byte[] b) {
        return b.length >= 4 && b[0] == 'O' && b[1] == 'g' && b[2] == 'g' && b[3] == 'S';
    }

    /** The first page's first packet starts after the 27-byte header and the segment table. */
    static Kind kind(byte[] b) {
        if (b.length < 28) {
            return Kind.OTHER;
        }
        int start = 27 + (b[26] & 0xFF);
        if (startsWith(b, start, "OpusHead")) {
            return Kind.OPUS;
        }
        if (start < b.length && b[start] == 1 && startsWith(b, start + 1, "vorbis")) {
            return Kind.VORBIS;
        }
        return Kind.OTHER;
    }

    /** The identification header: packet type, "vorbis", version (4), channels (1), then the rate (4, LE). */
    private static int vorbisRate(byte[] b) throws MediaFormatException {
        int at = 27 + (b[26] & 0xFF) + 1 + 6 + 4 + 1;
        if (at + 4 > b.length) {
            throw new MediaFormatException("the Vorbis header is cut off");
        }
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static boolean startsWith(byte[] b, int off, String magic) {
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        return off + m.length <= b.length && Arrays.equals(b, off, off + m.length, m, 0, m.length);
    }

    /** @param samples mono at {@link #RATE} */
    static byte[] encode(float[] samples) throws IOException {
        try {
            OpusEncoder encoder = new OpusEncoder(RATE, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
            encoder.setBitrate(BITRATE);
            int preSkip = encoder.getLookahead();
            // The decoder drops preSkip samples at the start; feed that many extra zeros at the end
            // so that the last real samples leave the encoder, and end the stream's granule exactly.
            int total = samples.length + preSkip;
            int frames = (total + FRAME - 1) / FRAME;
            short[] pcm = new short[frames * FRAME];
            for (int i = 0; i < samples.length; i++) {
                pcm[i] = Pcm16.toShort(samples[i]);
            }
            OpusInfo info = new OpusInfo();
            info.setNumChannels(1);
            info.setSampleRate(RATE);
            info.setPreSkip(preSkip);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            OpusFile file = new OpusFile(out, info, new OpusTags());
            byte[] packet = new byte[4000];
            for (int f = 0; f < frames; f++) {
                int n = encoder.encode(pcm, f * FRAME, FRAME, packet, 0, packet.length);
                OpusAudioData data = new OpusAudioData(Arrays.copyOf(packet, n));
                data.setGranulePosition(Math.min((long) (f + 1) * FRAME, total));
                file.writeAudioData(data);
            }
            file.close();
            return out.toByteArray();
        } catch (OpusException e) {
            throw new IOException("Opus encoding failed", e);
        }
    }

    static Decoded decode(byte[] data) throws MediaFormatException {
        switch (kind(data)) {
            case OPUS -> {
            }
            case VORBIS -> {
                // No Vorbis decoder on Maven Central fits this build; an installed ffmpeg does the work.
                FfmpegDecoder ffmpeg = FfmpegDecoder.find().orElseThrow(() -> new MediaFormatException(
                        "Ogg Vorbis needs ffmpeg, which is not installed on the server (apt-get install ffmpeg)"));
                return ffmpeg.decode(data, vorbisRate(data));
            }
            default -> throw new MediaFormatException("the Ogg stream carries neither Opus nor Vorbis");
        }
        // Built on a packet reader, OpusFile owns no stream (and its close() would fail): not closed.
        try {
            OpusFile file = new OpusFile(new OggPacketReader(new ByteArrayInputStream(data)));
            OpusInfo info = file.getInfo();
            int channels = info.getNumChannels();
            if (channels < 1 || channels > 2) {
                throw new MediaFormatException("Ogg Opus with " + channels + " channels is not supported");
            }
            OpusDecoder decoder = new OpusDecoder(RATE, channels);
            short[] pcm = new short[MAX_FRAME * channels];
            float[] samples = new float[RATE];
            int count = 0;
            long lastGranule = -1;
            OpusAudioData packet;
            while ((packet = file.getNextAudioPacket()) != null) {
                byte[] bytes = packet.getData();
                int frames = decoder.decode(bytes, 0, bytes.length, pcm, 0, MAX_FRAME, false);
                if (count + frames > samples.length) {
                    samples = Arrays.copyOf(samples, Math.max(samples.length * 2, count + frames));
                }
                for (int f = 0; f < frames; f++) {
                    int sum = 0;
                    for (int c = 0; c < channels; c++) {
                        sum += pcm[f * channels + c];
                    }
                    samples[count++] = sum / (32768f * channels);
                }
                if (packet.getGranulePosition() > 0) {
                    lastGranule = packet.getGranulePosition();
                }
            }
            int preSkip = Math.min(info.getPreSkip(), count);
            // The last granule position marks the real end (RFC 7845); earlier samples are padding.
            int end = lastGranule > 0 ? (int) Math.min(count, Math.max(preSkip, lastGranule)) : count;
            if (end <= preSkip) {
                throw new MediaFormatException("the Ogg Opus stream holds no audio");
            }
            return new Decoded(Arrays.copyOfRange(samples, preSkip, end), RATE);
        } catch (IOException | OpusException | RuntimeException e) {
            throw new MediaFormatException("corrupt Ogg Opus data", e);
        }
    }
}
