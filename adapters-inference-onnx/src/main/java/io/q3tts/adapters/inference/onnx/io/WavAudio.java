package io.q3tts.adapters.inference.onnx.io;

import java.util.Objects;

/**
 * Decoded WAV audio, mixed down to mono.
 *
 * @param samples mono samples in [-1, 1] (float sources may exceed it), never null
 * @param sampleRate samples per second, &gt; 0
 * @param sourceChannels channel count of the file before mixing
 * @param sourceBitsPerSample container bits per sample in the file
 * @param sourceFloat whether the file held IEEE float samples
 */
public record WavAudio(float[] samples, int sampleRate, int sourceChannels, int sourceBitsPerSample, boolean sourceFloat) {

    /** @throws IllegalArgumentException on a null array or a non-positive rate */
    public WavAudio {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
    }

    /** @return length in seconds */
    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }
}
