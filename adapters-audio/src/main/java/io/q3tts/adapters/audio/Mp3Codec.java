package io.q3tts.adapters.audio;

import de.sciss.jump3r.lowlevel.LameEncoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;

/** MP3 through jump3r (LAME port, write) and JLayer (read). */
final class Mp3Codec {

    /** The rates MPEG-1, 2 and 2.5 Layer III can carry, ascending. */
    static final int[] RATES = {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000};

    private Mp3Codec() {
    }

    /** @return {@code rate} if MP3 can carry it, else the lowest carried rate above it (48 kHz at most) */
    static int carriedRate(int rate) {
        for (int r : RATES) {
            if (r >= rate) {
                return r;
            }
        }
        return RATES[RATES.length - 1];
    }

    static boolean sniff(byte[] b) {
        if (b.length >= 3 && b[0] == 'I' && b[1] == 'D' && b[2] == '3') {
            return true;
        }
        // A Layer III frame sync: 11 set bits, a valid version, layer bits 01.
        return b.length >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0 && (b[1] & 0x18) != 0x08
                && (b[1] & 0x06) == 0x02;
    }

    /** @param sampleRate one of {@link #RATES} */
    static byte[] encode(float[] samples, int sampleRate) {
        javax.sound.sampled.AudioFormat source = new javax.sound.sampled.AudioFormat(sampleRate, 16, 1, true, false);
        // Speech at the model's 24 kHz needs far less than music: 64 kbit/s is transparent there.
        int kbps = sampleRate <= 24_000 ? 64 : 128;
        LameEncoder lame = new LameEncoder(source, kbps, LameEncoder.CHANNEL_MODE_MONO, LameEncoder.QUALITY_MIDDLE, false);
        try {
            byte[] pcm = Pcm16.toBytes(samples);
            byte[] buffer = new byte[lame.getMP3BufferSize()];
            int chunk = lame.getPCMBufferSize();
            ByteArrayOutputStream out = new ByteArrayOutputStream(pcm.length / 8 + 1024);
            for (int off = 0; off < pcm.length; off += chunk) {
                int n = lame.encodeBuffer(pcm, off, Math.min(chunk, pcm.length - off), buffer);
                out.write(buffer, 0, n);
            }
            int n = lame.encodeFinish(buffer);
            out.write(buffer, 0, n);
            return out.toByteArray();
        } finally {
            lame.close();
        }
    }

    static Decoded decode(byte[] data) throws MediaFormatException {
        Bitstream stream = new Bitstream(new ByteArrayInputStream(data));
        Decoder decoder = new Decoder();
        float[] samples = new float[data.length * 4];
        int count = 0;
        int rate = 0;
        try {
            Header header;
            while ((header = stream.readFrame()) != null) {
                if (header.layer() != 3) {
                    throw new MediaFormatException("MPEG layer " + header.layer() + " audio is not MP3");
                }
                SampleBuffer out = (SampleBuffer) decoder.decodeFrame(header, stream);
                int channels = out.getChannelCount();
                short[] pcm = out.getBuffer();
                int frames = out.getBufferLength() / channels;
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
                rate = out.getSampleFrequency();
                stream.closeFrame();
            }
        } catch (BitstreamException | DecoderException | RuntimeException e) {
            throw new MediaFormatException("corrupt MP3 data", e);
        } finally {
            try {
                stream.close();
            } catch (BitstreamException e) {
                // In-memory stream: nothing to release.
            }
        }
        if (count == 0 || rate <= 0) {
            throw new MediaFormatException("no MP3 frame found");
        }
        return new Decoded(Arrays.copyOf(samples, count), rate);
    }
}
