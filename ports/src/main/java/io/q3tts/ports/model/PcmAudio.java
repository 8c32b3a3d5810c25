package io.q3tts.ports.model;

import java.util.Objects;

/**
 * Decoded mono audio.
 *
 * <p>The array is handed over, not copied: whoever builds the record must not write it again, and
 * receivers treat it as read-only. Because it is an array, {@code equals} compares it by identity.
 *
 * @param samples mono PCM, nominally in [-1, 1], never null
 * @param sampleRate samples per second, &gt; 0
 */
public record PcmAudio(float[] samples, int sampleRate) {

    /** @throws IllegalArgumentException if a field is null or out of range */
    public PcmAudio {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
    }

    /** @return the length in seconds */
    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }
}
