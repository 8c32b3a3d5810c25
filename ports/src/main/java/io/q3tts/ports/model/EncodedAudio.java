package io.q3tts.ports.model;

import java.util.Objects;

/**
 * Audio encoded in a container, ready to be written to a file or an HTTP body.
 *
 * <p>The array is handed over, not copied; treat it as read-only.
 *
 * @param format the container, never null
 * @param bytes the encoded file content, never null
 * @param sampleRate the sample rate of the encoded audio, &gt; 0
 * @param durationSeconds the audio length, &gt;= 0
 */
public record EncodedAudio(AudioFormat format, byte[] bytes, int sampleRate, double durationSeconds) {

    /** @throws IllegalArgumentException if a field is null or out of range */
    public EncodedAudio {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(bytes, "bytes");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
        if (!(durationSeconds >= 0)) {
            throw new IllegalArgumentException("durationSeconds must not be negative: " + durationSeconds);
        }
    }

    /** @return {@link AudioFormat#mediaType()} of {@link #format()} */
    public String mediaType() {
        return format.mediaType();
    }
}
