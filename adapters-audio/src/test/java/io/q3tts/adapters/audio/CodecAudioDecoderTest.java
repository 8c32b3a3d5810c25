package io.q3tts.adapters.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.UnsupportedMediaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodecAudioDecoderTest {

    private final CodecAudioDecoder decoder = new CodecAudioDecoder();
    private final CodecAudioEncoder encoder = new CodecAudioEncoder();

    /** A WAV with any encoding: each frame holds {@code channels} copies of the sample, coded by {@code coder}. */
    private static byte[] wav(int format, int channels, int rate, int bits, float[] mono, boolean extensible) {
        int bytes = bits / 8;
        int dataLen = mono.length * channels * bytes;
        int fmtLen = extensible ? 40 : 16;
        ByteBuffer b = ByteBuffer.allocate(20 + fmtLen + 8 + dataLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(12 + fmtLen + dataLen).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(fmtLen).putShort((short) (extensible ? 0xFFFE : format)).putShort((short) channels)
                .putInt(rate).putInt(rate * channels * bytes).putShort((short) (channels * bytes)).putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) bits).putInt(0).putShort((short) format)
                    .put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        }
        b.putInt(0x61746164).putInt(dataLen);
        for (float v : mono) {
            for (int c = 0; c < channels; c++) {
                switch (bits) {
                    case 8 -> b.put((byte) (Math.round(v * 127) + 128));
                    case 16 -> b.putShort((short) Math.round(v * 32767));
                    case 24 -> {
                        int s = Math.round(v * 8388607);
                        b.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
                    }
                    case 32 -> {
                        if (format == 3) {
                            b.putFloat(v);
                        } else {
                            b.putInt(Math.round(v * 2147483647.0f));
                        }
                    }
                    default -> b.putDouble(v);
                }
            }
        }
        return b.array();
    }

    @Test
    void readsEveryWavEncoding() {
        float[] sine = Signals.sine(300, 22_050, 0.2, 0.6);
        int[][] cases = {{1, 8}, {1, 16}, {1, 24}, {1, 32}, {3, 32}, {3, 64}};
        for (int[] c : cases) {
            for (boolean ext : new boolean[] {false, true}) {
                PcmAudio a = decoder.decode(AudioUpload.of("ref_audio", wav(c[0], 2, 22_050, c[1], sine, ext)));
                assertEquals(22_050, a.sampleRate());
                assertEquals(sine.length, a.samples().length);
                double tolerance = c[1] == 8 ? 1.0 / 64 : 1e-4;
                for (int i = 0; i < sine.length; i += 37) {
                    assertEquals(sine[i], a.samples()[i], tolerance, Arrays.toString(c) + " ext=" + ext + " @" + i);
                }
            }
        }
    }

    @Test
    void downmixesChannelsByAveraging() {
        ByteBuffer b = ByteBuffer.wrap(wav(1, 2, 8000, 16, new float[2], false)).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(44, (short) 16384).putShort(46, (short) 0);
        PcmAudio a = decoder.decode(AudioUpload.of("f", b.array()));
        assertEquals(0.25, a.samples()[0], 1e-4);
    }

    @Test
    void readsTheFixtureClips() throws IOException {
        Path clips = Path.of("..", "fixtures", "clips");
        PcmAudio s16 = decoder.decode(AudioUpload.of("ref_audio", Files.readAllBytes(clips.resolve("ref_16k_mono_s16.wav"))));
        assertEquals(16_000, s16.sampleRate());
        assertEquals(35_200, s16.samples().length);
        PcmAudio f32 = decoder.decode(AudioUpload.of("ref_audio", Files.readAllBytes(clips.resolve("ref_24k_mono_f32.wav"))));
        assertEquals(24_000, f32.sampleRate());
        PcmAudio s24 = decoder.decode(AudioUpload.of("ref_audio", Files.readAllBytes(clips.resolve("ref_44k1_stereo_s24.wav"))));
        assertEquals(44_100, s24.sampleRate());
        assertEquals(s16.durationSeconds(), s24.durationSeconds(), 0.01);
        assertTrue(Signals.rms(s24.samples()) > 0.001);
    }

    /** The stereo fixture clips decode to librosa.load's samples bit for bit (fixtures/resample, make-reference). */
    @Test
    void stereoWavsDecodeLikeLibrosaLoad() throws IOException {
        Path fixtures = Path.of("..", "fixtures");
        for (String clip : new String[] {"ref_44k1_stereo_s24.wav:ref_44k1_stereo", "ref_48k_stereo_s16.wav:ref_48k_stereo"}) {
            String[] parts = clip.split(":");
            PcmAudio ours = decoder.decode(AudioUpload.of("ref_audio", Files.readAllBytes(fixtures.resolve("clips").resolve(parts[0]))));
            byte[] npy = Files.readAllBytes(fixtures.resolve("resample").resolve(parts[1] + "_loaded.npy"));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(npy).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int data = 10 + Short.toUnsignedInt(b.getShort(8));
            assertEquals((npy.length - data) / 4, ours.samples().length, parts[0]);
            for (int i = 0; i < ours.samples().length; i++) {
                float official = b.getFloat(data + 4 * i);
                if (Float.floatToIntBits(official) != Float.floatToIntBits(ours.samples()[i])) {
                    throw new AssertionError(parts[0] + " sample " + i + ": " + ours.samples()[i] + " vs librosa " + official);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello, this is text", "GIF89a......", "RIFF\u0000\u0000\u0000\u0000WAVEjunk", "fLaC garbage!!",
        "OggS\u0000\u0002\u0000\u0000", "ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000"})
    void rejectsUnknownOrCorruptDataNamingTheField(String content) {
        UnsupportedMediaException e = assertThrows(UnsupportedMediaException.class,
                () -> decoder.decode(AudioUpload.of("ref_audio", content.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))));
        assertEquals("ref_audio", e.field());
        assertTrue(e.getMessage().startsWith("ref_audio "), e.getMessage());
        assertTrue(e.getMessage().contains("WAV, FLAC, MP3, Ogg Opus or Ogg Vorbis"), e.getMessage());
    }

    @Test
    void rejectsTruncatedCompressedFiles() {
        PcmAudio sine = new PcmAudio(Signals.sine(440, 24_000, 0.5, 0.5), 24_000);
        for (AudioFormat f : new AudioFormat[] {AudioFormat.FLAC, AudioFormat.OPUS}) {
            byte[] full = encoder.encode(sine, f).bytes();
            byte[] head = Arrays.copyOf(full, 20);
            UnsupportedMediaException e = assertThrows(UnsupportedMediaException.class,
                    () -> decoder.decode(AudioUpload.of("audio", head)), f.key());
            assertEquals("audio", e.field());
        }
    }

    @Test
    void decodesOggVorbisThroughAnInstalledFfmpeg(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // CI installs ffmpeg (scripts/install-system-deps.sh); elsewhere the test needs it on the PATH.
        boolean present = FfmpegDecoder.find().isPresent();
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("ffmpeg is missing on CI; scripts/install-system-deps.sh installs it");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(present, "ffmpeg is not installed");
        float[] tone = Signals.sine(440, 44_100, 1.0, 0.5);
        Path wav = dir.resolve("tone.wav");
        Files.write(wav, WavCodec.encode(tone, 44_100));
        Path ogg = dir.resolve("tone.ogg");
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", wav.toString(),
                "-c:a", "libvorbis", "-q:a", "4", ogg.toString()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));

        PcmAudio decoded = decoder.decode(AudioUpload.of("ref_audio", Files.readAllBytes(ogg)));
        assertEquals(44_100, decoded.sampleRate());
        assertEquals(44_100, decoded.samples().length, 2_000);
        assertEquals(440, Signals.dominant(decoded.samples(), 44_100), 5);
        assertEquals(0.5 / Math.sqrt(2), Signals.rms(decoded.samples()), 0.05);
    }

    @Test
    void rejectsABrokenOggVorbisWithItsOwnMessage() {
        ByteBuffer page = ByteBuffer.allocate(27 + 1 + 30).order(ByteOrder.LITTLE_ENDIAN);
        page.put("OggS".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 0).put((byte) 2).putLong(0)
                .putInt(1).putInt(0).putInt(0).put((byte) 1).put((byte) 30);
        page.put((byte) 1).put("vorbis".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        UnsupportedMediaException e = assertThrows(UnsupportedMediaException.class,
                () -> decoder.decode(AudioUpload.of("ref_audio", page.array())));
        assertEquals("ref_audio", e.field());
        assertTrue(e.getMessage().contains("ffmpeg"), e.getMessage());
    }
}
