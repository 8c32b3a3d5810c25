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
 * @param codes the generated codec codes, {@code [frames][16]} (an ICL clone's reference frames not
 *     included), for comparing runs with the official implementation; an empty array when the
 *     synthesizer does not report them. Handed over like {@code samples}.
 */
public record SynthesisResult(float[] samples, int sampleRate, int frames, FinishReason finishReason, Duration elapsed,
                              int[][] codes) {

    private static final int[][] NO_CODES = new int[0][];

    /**
     * A result without codes.
     *
     * @param samples see the record description
     * @param sampleRate see the record description
     * @param frames see the record description
     * @param finishReason see the record description
     * @param elapsed see the record description
     */
    public SynthesisResult(float[] samples, int sampleRate, int frames, FinishReason finishReason, Duration elapsed) {
        this(samples, sampleRate, frames, finishReason, elapsed, NO_CODES);
    }

    /** @throws IllegalArgumentException if a field is null or out of range */
    public SynthesisResult {
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(codes, "codes");
        if (codes.length != 0 && codes.length != frames) {
            throw new IllegalArgumentException(codes.length + " frames of codes for " + frames + " frames");
        }
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
