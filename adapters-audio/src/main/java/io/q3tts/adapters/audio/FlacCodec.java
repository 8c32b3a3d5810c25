package io.q3tts.adapters.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import net.sourceforge.javaflacencoder.FLACEncoder;
import net.sourceforge.javaflacencoder.FLACOutputStream;
import net.sourceforge.javaflacencoder.StreamConfiguration;
import org.jflac.FLACDecoder;
import org.jflac.PCMProcessor;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

/** FLAC through java-flac-encoder (write, 16-bit mono) and jflac (read). */
final class FlacCodec {

    private static final int BLOCK = 4096;

    private FlacCodec() {
    }

    static boolean sniff(byte[] b) {
        return b.length >= 4 && b[0] == 'f' && b[1] == 'L' && b[2] == 'a' && b[3] == 'C';
    }

    static byte[] encode(float[] samples, int sampleRate) throws IOException {
        StreamConfiguration config = new StreamConfiguration(1, BLOCK, BLOCK, sampleRate, 16);
        if (!config.isValid()) {
            throw new IOException("FLAC cannot store " + sampleRate + " Hz");
        }
        FLACEncoder encoder = new FLACEncoder();
        encoder.setStreamConfiguration(config);
        MemoryOutput out = new MemoryOutput();
        encoder.setOutputStream(out);
        encoder.openFLACStream();
        int[] ints = new int[samples.length];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = Pcm16.toShort(samples[i]);
        }
        if (ints.length > 0) {
            encoder.addSamples(ints, ints.length);
        }
        // 'end = true' flushes the last partial block and rewrites STREAMINFO with the totals.
        encoder.encodeSamples(encoder.samplesAvailableToEncode(), true);
        return out.toByteArray();
    }

    static Decoded decode(byte[] data) throws MediaFormatException {
        FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(data));
        Collector collector = new Collector();
        decoder.addPCMProcessor(collector);
        try {
            decoder.decode();
        } catch (IOException | RuntimeException e) {
            throw new MediaFormatException("corrupt FLAC data", e);
        }
        if (collector.info == null) {
            throw new MediaFormatException("FLAC stream without STREAMINFO");
        }
        if (collector.count == 0 && decoder.getBadFrames() > 0) {
            throw new MediaFormatException("no decodable FLAC frame");
        }
        return new Decoded(Arrays.copyOf(collector.samples, collector.count), collector.info.getSampleRate());
    }

    /** Downmixes jflac's interleaved little-endian PCM frames as they arrive. */
    private static final class Collector implements PCMProcessor {
        StreamInfo info;
        float[] samples = new float[0];
        int count;

        @Override
        public void processStreamInfo(StreamInfo streamInfo) {
            info = streamInfo;
            long total = streamInfo.getTotalSamples();
            samples = new float[(int) Math.min(Math.max(total, 0), 1 << 26)];
        }

        @Override
        public void processPCM(ByteData pcm) {
            if (info == null) {
                return;
            }
            int channels = info.getChannels();
            int bytes = (info.getBitsPerSample() + 7) / 8;
            byte[] b = pcm.getData();
            int frames = pcm.getLen() / (bytes * channels);
            if (count + frames > samples.length) {
                samples = Arrays.copyOf(samples, Math.max(samples.length * 2, count + frames));
            }
            double scale = 1.0 / (1L << (bytes * 8 - 1));
            for (int f = 0; f < frames; f++) {
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    int p = (f * channels + c) * bytes;
                    int v = switch (bytes) {
                        case 1 -> (b[p] & 0xFF) - 128; // jflac writes 8-bit as unsigned, like WAV
                        case 2 -> (b[p] & 0xFF) | b[p + 1] << 8;
                        case 3 -> (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | b[p + 2] << 16;
                        default -> (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | b[p + 3] << 24;
                    };
                    sum += v * scale;
                }
                samples[count++] = (float) (sum / channels);
            }
        }
    }

    /** A seekable in-memory sink: the encoder seeks back to fill in STREAMINFO at the end. */
    private static final class MemoryOutput implements FLACOutputStream {
        private byte[] buf = new byte[1 << 16];
        private int size;
        private int pos;

        @Override
        public long seek(long position) {
            pos = (int) position;
            return pos;
        }

        @Override
        public int write(byte[] data, int offset, int count) {
            ensure(pos + count);
            System.arraycopy(data, offset, buf, pos, count);
            pos += count;
            size = Math.max(size, pos);
            return count;
        }

        @Override
        public void write(byte data) {
            ensure(pos + 1);
            buf[pos++] = data;
            size = Math.max(size, pos);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public boolean canSeek() {
            return true;
        }

        @Override
        public long getPos() {
            return pos;
        }

        private void ensure(int capacity) {
            if (capacity > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(capacity, buf.length * 2));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }
}
