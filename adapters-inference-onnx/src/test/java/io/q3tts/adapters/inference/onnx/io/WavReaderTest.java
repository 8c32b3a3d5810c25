package io.q3tts.adapters.inference.onnx.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavReaderTest {

    @TempDir
    Path dir;

    @Test
    void given16BitStereo_whenRead_thenChannelsAreAveragedAndScaledBy32768() throws Exception {
        byte[] data = le(b -> b.putShort((short) -32768).putShort((short) 0).putShort((short) 16384).putShort((short) 16384));
        WavAudio audio = WavReader.read(wav(fmt(1, 2, 22050, 16), chunk("data", data)));
        assertArrayEquals(new float[] {-0.5f, 0.5f}, audio.samples());
        assertEquals(22050, audio.sampleRate());
        assertEquals(2, audio.sourceChannels());
        assertEquals(16, audio.sourceBitsPerSample());
        assertFalse(audio.sourceFloat());
    }

    @Test
    void givenEveryIntegerWidth_whenRead_thenFullScaleMapsToPlusMinusOne() throws Exception {
        assertArrayEquals(new float[] {-1f, 0f, 127 / 128f},
                WavReader.read(wav(fmt(1, 1, 8000, 8), chunk("data", new byte[] {0, (byte) 128, (byte) 255}))).samples());
        byte[] s24 = {0, 0, (byte) 0x80, (byte) 0xFF, (byte) 0xFF, 0x7F, 0x00, 0x00, 0x40};
        float[] got24 = WavReader.read(wav(fmt(1, 1, 8000, 24), chunk("data", s24))).samples();
        assertArrayEquals(new float[] {-1f, (float) (8388607 / 8388608.0), 0.5f}, got24);
        byte[] s32 = le(b -> b.putInt(Integer.MIN_VALUE).putInt(1 << 30));
        assertArrayEquals(new float[] {-1f, 0.5f}, WavReader.read(wav(fmt(1, 1, 8000, 32), chunk("data", s32))).samples());
    }

    @Test
    void givenFloatAndDouble_whenRead_thenValuesPassThrough() throws Exception {
        byte[] f32 = le(b -> b.putFloat(0.25f).putFloat(-1.5f));
        WavAudio a = WavReader.read(wav(fmt(3, 1, 48000, 32), chunk("data", f32)));
        assertArrayEquals(new float[] {0.25f, -1.5f}, a.samples());
        assertTrue(a.sourceFloat());
        byte[] f64 = le(b -> b.putDouble(0.125).putDouble(0.375));
        assertArrayEquals(new float[] {0.25f}, WavReader.read(wav(fmt(3, 2, 48000, 64), chunk("data", f64))).samples());
    }

    @Test
    void givenExtensibleFormatWithExtraChunks_whenRead_thenSubformatAndOddPaddingHandled() throws Exception {
        byte[] data = le(b -> b.putFloat(0.5f).putFloat(0.5f).putFloat(0.5f).putFloat(-0.5f).putFloat(-0.5f).putFloat(-0.5f));
        byte[] list = chunk("LIST", "INFOISFT\u0003\u0000\u0000\u0000ab\u0000".getBytes(StandardCharsets.ISO_8859_1));
        byte[] odd = chunk("junk", new byte[] {1, 2, 3});
        WavAudio a = WavReader.read(wav(odd, extensible(3, 3, 16000, 32), list, chunk("data", data)));
        assertArrayEquals(new float[] {0.5f, -0.5f}, a.samples());
        assertEquals(3, a.sourceChannels());

        byte[] pcm = le(b -> b.putShort((short) 8192));
        assertArrayEquals(new float[] {0.25f}, WavReader.read(wav(extensible(1, 1, 16000, 16), chunk("data", pcm))).samples());
    }

    @Test
    void givenStreamingPlaceholderSize_whenRead_thenDataRunsToEndOfFile() throws Exception {
        byte[] header = wav(fmt(1, 1, 8000, 16));
        ByteBuffer tail = ByteBuffer.allocate(8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        tail.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(-1).putShort((short) 16384).putShort((short) -16384);
        byte[] all = concat(header, tail.array());
        assertArrayEquals(new float[] {0.5f, -0.5f}, WavReader.read(all).samples());

        byte[] zeroSizes = all.clone();
        ByteBuffer.wrap(zeroSizes).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 0).putInt(header.length + 4, 0);
        assertArrayEquals(new float[] {0.5f, -0.5f}, WavReader.read(zeroSizes).samples());

        byte[] emptyThenList = wav(fmt(1, 1, 8000, 16), chunk("data", new byte[0]), chunk("LIST", new byte[4]));
        assertEquals(0, WavReader.read(emptyThenList).samples().length);
    }

    @Test
    void givenBrokenInputs_whenRead_thenUserFacingErrors() {
        byte[] data16 = le(b -> b.putShort((short) 1).putShort((short) 2));
        assertError(new byte[] {1, 2, 3}, "Not a WAV file");
        assertError("RIFF\0\0\0\0AVI LIST".getBytes(StandardCharsets.ISO_8859_1), "Not a WAV file");
        assertError(wav(chunk("data", data16), fmt(1, 1, 8000, 16)), "before the format");
        assertError(wav(fmt(1, 1, 8000, 16)), "no data chunk");
        assertError(wav(chunk("LIST", new byte[4])), "no format (fmt) chunk");
        byte[] truncated = wav(fmt(1, 1, 8000, 16), chunk("data", data16));
        assertError(Arrays.copyOf(truncated, truncated.length - 1), "Truncated WAV file");
        assertError(wav(fmt(1, 1, 8000, 16), chunk("data", new byte[3])), "not a whole number of sample frames");
        assertError(wav(fmt(0x55, 1, 8000, 16), chunk("data", data16)), "Unsupported WAV encoding (MP3)");
        assertError(wav(fmt(1, 1, 8000, 12), chunk("data", data16)), "12-bit PCM");
        assertError(wav(fmt(1, 0, 8000, 16), chunk("data", data16)), "zero channels");
        byte[] badAlign = fmt(1, 2, 8000, 16);
        ByteBuffer.wrap(badAlign).order(ByteOrder.LITTLE_ENDIAN).putShort(8 + 12, (short) 3);
        assertError(wav(badAlign, chunk("data", data16)), "block align");
        assertError("RIFX\0\0\0\0WAVE".getBytes(StandardCharsets.ISO_8859_1), "RIFX");
    }

    @Test
    void givenFile_whenWrittenAndReadBack_thenPcm16RoundTripsAndFloatIsLossless() throws Exception {
        float[] samples = {0f, 0.5f, -0.5f, 1f, -1f, 0.123f, 2f};
        Path pcm = dir.resolve("a.wav");
        WavWriter.write(pcm, samples, 24000, WavWriter.Encoding.PCM_16);
        WavAudio back = WavReader.read(pcm);
        assertEquals(24000, back.sampleRate());
        assertEquals(44 + 2 * samples.length, Files.size(pcm));
        float[] expected = {0f, 0.5f, -0.5f, 32767 / 32768f, -1f, Math.round(0.123f * 32768) / 32768f, 32767 / 32768f};
        assertArrayEquals(expected, back.samples());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WavWriter.write(out, samples, 16000, WavWriter.Encoding.FLOAT_32);
        WavAudio f = WavReader.read(out.toByteArray());
        assertArrayEquals(samples, f.samples());
        assertTrue(f.sourceFloat());
    }

    private static void assertError(byte[] bytes, String fragment) {
        InvalidAudioException e = assertThrows(InvalidAudioException.class, () -> WavReader.read(bytes));
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    static byte[] fmt(int tag, int channels, int rate, int bits) {
        ByteBuffer b = ByteBuffer.allocate(8 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) tag).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits);
        return b.array();
    }

    static byte[] extensible(int subFormat, int channels, int rate, int bits) {
        ByteBuffer b = ByteBuffer.allocate(8 + 40).order(ByteOrder.LITTLE_ENDIAN);
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(40)
                .putShort((short) 0xFFFE).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits)
                .putShort((short) 22).putShort((short) bits).putInt(0)
                .putShort((short) subFormat)
                .put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        return b.array();
    }

    /**
     * Three float channels 1, 2^-24, 2^-24: librosa.load (numpy's float32 mean, channel by channel)
     * gives 0x3EAAAAAB; an exact (double) sum would give 0x3EAAAAAC. Checked against librosa 0.11.
     */
    @Test
    void givenThreeChannels_whenMixed_thenTheSamplesAreLibrosasFloat32Mean() throws Exception {
        byte[] data = le(b -> b.putFloat(1f).putFloat(0x1p-24f).putFloat(0x1p-24f));
        float mixed = WavReader.read(wav(fmt(3, 3, 24000, 32), chunk("data", data))).samples()[0];
        assertEquals(0x3EAAAAAB, Float.floatToIntBits(mixed));
    }

    static byte[] chunk(String id, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
        return b.array();
    }

    static byte[] wav(byte[]... chunks) {
        byte[] body = concat(chunks);
        ByteBuffer b = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + body.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put(body);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] le(java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return Arrays.copyOf(b.array(), b.position());
    }
}
