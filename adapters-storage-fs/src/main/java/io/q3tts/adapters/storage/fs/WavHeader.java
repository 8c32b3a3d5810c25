package io.q3tts.adapters.storage.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The two numbers the ports want next to stored WAV bytes (sample rate and duration), read from
 * the RIFF header without decoding the audio.
 *
 * @param sampleRate frames per second
 * @param durationSeconds length
 */
record WavHeader(int sampleRate, double durationSeconds) {

    /**
     * @param wav a RIFF/WAVE file
     * @return its header
     * @throws IllegalArgumentException if it is not a WAV file with {@code fmt } and {@code data} chunks
     */
    static WavHeader read(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new IllegalArgumentException("not a RIFF/WAVE file");
        }
        int pos = 12;
        int rate = 0;
        int blockAlign = 0;
        while (pos + 8 <= wav.length) {
            int id = b.getInt(pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id == 0x20746d66 && body + 16 <= wav.length) { // "fmt "
                rate = b.getInt(body + 4);
                blockAlign = Short.toUnsignedInt(b.getShort(body + 12));
            } else if (id == 0x61746164) { // "data"
                if (rate <= 0 || blockAlign <= 0) {
                    break;
                }
                long available = Math.min(size, wav.length - (long) body);
                return new WavHeader(rate, (double) (available / blockAlign) / rate);
            }
            pos = Math.toIntExact(Math.min(body + size + (size & 1), Integer.MAX_VALUE));
        }
        throw new IllegalArgumentException("WAV file without a valid fmt and data chunk");
    }
}
