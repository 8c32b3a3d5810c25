package io.q3tts.ports.out.inference;

import java.util.Objects;

/**
 * A piece of audio delivered while synthesis is still running. Concatenating the chunks of one
 * call in order gives the audio of {@link SynthesisResult#samples()}: exactly, or, where a
 * synthesizer streams through a different decoder than the one that produces the final result,
 * within a tolerance that synthesizer documents.
 *
 * <p>The array is handed over and never written again by the synthesizer.
 *
 * @param samples mono PCM, nominally in [-1, 1], never null
 * @param sampleRate samples per second, &gt; 0
 * @param startSample index of {@code samples[0]} within the whole output, &gt;= 0
 * @param last whether this is the final chunk of the call
 */
public record AudioChunk(float[] samples, int sampleRate, long startSample, boolean last) {

    /** @throws IllegalArgumentException if a field is null or out of range */
    public AudioChunk {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
        if (startSample < 0) {
            throw new IllegalArgumentException("startSample must not be negative: " + startSample);
        }
    }
}
