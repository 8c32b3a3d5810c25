package io.q3tts.ports.out.inference;

import java.time.Duration;
import java.util.Objects;

/**
 * The finished audio of one {@link SynthesisRequest}.
 *
 * <p>{@code samples} is handed over, not copied: the caller owns the array afterwards. Because it
 * is an array, {@code equals} compares it by identity.
 *
 * @param samples mono PCM, nominally in [-1, 1], never null
 * @param sampleRate samples per second (24000 for Qwen3-TTS), &gt; 0
 * @param frames generated codec frames (12.5 per second of audio), &gt;= 0
 * @param finishReason why generation stopped, never null
 * @param elapsed wall time of the whole call, never null
 */
public record SynthesisResult(float[] samples, int sampleRate, int frames, FinishReason finishReason, Duration elapsed) {

    /** @throws IllegalArgumentException if a field is null or out of range */
    public SynthesisResult {
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(elapsed, "elapsed");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
        if (frames < 0) {
            throw new IllegalArgumentException("frames must not be negative: " + frames);
        }
    }

    /** @return the audio length in seconds */
    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }
}
