package io.q3tts.adapters.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.UnsupportedException;
import org.junit.jupiter.api.Test;

class PcmTest {

    @Test
    void resamplingKeepsAToneAndItsLevel() {
        int from = 24_000;
        int to = 16_000;
        short[] in = new short[from];
        for (int i = 0; i < in.length; i++) {
            in[i] = (short) Math.round(10_000 * Math.sin(2 * Math.PI * 1000 * i / from));
        }
        short[] out = Pcm.resample(in, from, to);
        assertEquals(to, out.length);
        double err = 0;
        for (int i = 100; i < out.length - 100; i++) {
            double expected = 10_000 * Math.sin(2 * Math.PI * 1000 * i / (double) to);
            err = Math.max(err, Math.abs(out[i] - expected));
        }
        assertTrue(err < 150, "max error " + err);
    }

    @Test
    void downsamplingRemovesContentAboveTheNewNyquist() {
        short[] in = new short[24_000];
        for (int i = 0; i < in.length; i++) {
            in[i] = (short) Math.round(10_000 * Math.sin(2 * Math.PI * 10_000 * i / 24_000.0));
        }
        short[] out = Pcm.resample(in, 24_000, 8_000);
        double rms = 0;
        for (int i = 200; i < out.length - 200; i++) {
            rms += out[i] * (double) out[i];
        }
        rms = Math.sqrt(rms / (out.length - 400));
        assertTrue(rms < 200, "10 kHz leaked into 8 kHz output as an alias, rms " + rms);
    }

    @Test
    void wavRoundTripAndStreamingHeader() {
        EncodedAudio wav = FakeCore.encode(new float[] {0f, 0.5f, -0.5f, 1f}, AudioFormat.WAV);
        assertArrayEquals(new short[] {0, 16384, -16383, 32767}, Pcm.wavSamples(wav.bytes()));
        EncodedAudio same = Pcm.resample(wav, FakeCore.RATE);
        assertEquals(wav, same);
        byte[] h = Pcm.wavHeader(24_000, -1);
        assertEquals(44, h.length);
        assertEquals((byte) 0xFF, h[43]);
        assertThrows(UnsupportedException.class, () -> Pcm.resample(FakeCore.encode(new float[4], AudioFormat.MP3), 16_000));
    }
}
