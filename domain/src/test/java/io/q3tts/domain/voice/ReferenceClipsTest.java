package io.q3tts.domain.voice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.domain.testing.FakeAudioCodec;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.PcmAudio;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ReferenceClipsTest {

    private final FakeAudioCodec codec = new FakeAudioCodec();
    private final PcmAudio decoded = new PcmAudio(new float[441], 44_100);

    /** A WAV header with a LIST chunk before fmt, the given format tag and two stereo 24-bit frames. */
    private static byte[] wav(int formatTag) {
        ByteBuffer b = ByteBuffer.allocate(12 + 12 + 24 + 8 + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(b.capacity() - 8).put("WAVE".getBytes());
        b.put("LIST".getBytes()).putInt(3).put(new byte[] {1, 2, 3}).put((byte) 0);
        b.put("fmt ".getBytes()).putInt(16).putShort((short) formatTag).putShort((short) 2).putInt(44_100)
                .putInt(44_100 * 6).putShort((short) 6).putShort((short) 24);
        b.put("data".getBytes()).putInt(12).put(new byte[12]);
        return b.array();
    }

    @Test
    void aPcmOrFloatWavIsKeptByteForByte() {
        for (int tag : new int[] {1, 3, 0xFFFE}) {
            byte[] bytes = wav(tag);
            EncodedAudio stored = ReferenceClips.stored(AudioUpload.of("ref_audio", bytes), decoded, codec);
            assertEquals(AudioFormat.WAV, stored.format());
            assertArrayEquals(bytes, stored.bytes(), "format tag " + tag);
            assertEquals(44_100, stored.sampleRate());
        }
    }

    @Test
    void anythingElseIsStoredAsTheDecodedSamples() {
        assertTrue(ReferenceClips.isPlainWav(wav(1)));
        assertFalse(ReferenceClips.isPlainWav(wav(2)), "ADPCM");
        assertFalse(ReferenceClips.isPlainWav("fLaC0000000000000000".getBytes()));
        assertFalse(ReferenceClips.isPlainWav(new byte[] {'R', 'I', 'F', 'F'}));
        byte[] adpcm = wav(2);
        EncodedAudio stored = ReferenceClips.stored(AudioUpload.of("ref_audio", adpcm), decoded, codec);
        assertFalse(java.util.Arrays.equals(adpcm, stored.bytes()));
        assertEquals(codec.encode(decoded, AudioFormat.WAV).bytes().length, stored.bytes().length);
    }
}
