package io.q3tts.domain.voice;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.out.audio.AudioEncoder;

/**
 * How an uploaded clone reference is stored (a voice's clip, or a request's {@code reference.wav}).
 *
 * <p>Policy: a plain PCM or IEEE-float WAV upload is kept byte for byte, so the inference adapter
 * reads the very samples the official code would read from the same file ({@code librosa.load}:
 * original bit depth, all channels averaged, original rate); re-encoding it as 16-bit mono would
 * requantize 24-bit and float clips and scale 16-bit ones, and the clone would start from different
 * samples than an official run on the user's file. Any other upload (FLAC, MP3, Opus, Vorbis,
 * compressed WAV) is stored as the decoder's samples in the encoder's WAV. Stateless.
 */
public final class ReferenceClips {

    private static final int PCM = 0x0001;
    private static final int IEEE_FLOAT = 0x0003;
    private static final int EXTENSIBLE = 0xFFFE;

    private ReferenceClips() {
    }

    /**
     * @param upload the uploaded file
     * @param decoded its decoded samples (already checked against the upload limits)
     * @param encoder the WAV encoder for uploads that are not kept as they are
     * @return the WAV to store
     */
    public static EncodedAudio stored(AudioUpload upload, PcmAudio decoded, AudioEncoder encoder) {
        if (isPlainWav(upload.bytes())) {
            return new EncodedAudio(AudioFormat.WAV, upload.bytes().clone(), decoded.sampleRate(), decoded.durationSeconds());
        }
        return encoder.encode(decoded, AudioFormat.WAV);
    }

    /** RIFF/WAVE whose {@code fmt } chunk says PCM, IEEE float or extensible (whose sub-format the reader checks). */
    static boolean isPlainWav(byte[] b) {
        if (b.length < 12 || !tag(b, 0, "RIFF") || !tag(b, 8, "WAVE")) {
            return false;
        }
        long at = 12;
        while (at + 8 <= b.length) {
            int p = (int) at;
            long size = le32(b, p + 4);
            if (tag(b, p, "fmt ")) {
                if (size < 16 || p + 10 > b.length) {
                    return false;
                }
                int format = (b[p + 8] & 0xFF) | (b[p + 9] & 0xFF) << 8;
                return format == PCM || format == IEEE_FLOAT || format == EXTENSIBLE;
            }
            at += 8 + size + (size & 1);
        }
        return false;
    }

    private static boolean tag(byte[] b, int at, String id) {
        for (int i = 0; i < 4; i++) {
            if (b[at + i] != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }
}
