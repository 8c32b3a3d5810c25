package io.q3tts.adapters.storage.fs;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Tiny 16-bit mono WAV files for the storage tests. */
final class TestAudio {

    private TestAudio() {
    }

    static EncodedAudio wav(int sampleRate, int samples) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + 2 * samples).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(sampleRate)
                .putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt(2 * samples);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (1000 * Math.sin(i * 0.1)));
        }
        return new EncodedAudio(AudioFormat.WAV, b.array(), sampleRate, samples / (double) sampleRate);
    }
}
