package io.q3tts.ports.out.inference;

import java.time.Duration;
import java.util.Objects;

/**
 * A progress report during generation.
 *
 * @param frames codec frames generated so far, &gt;= 0
 * @param maxFrames the most frames this call may generate (from {@code max_new_tokens}), &gt;= frames
 * @param elapsed wall time since the call started, never null
 */
public record SynthesisProgress(int frames, int maxFrames, Duration elapsed) {

    /** Codec frames per second of audio (Qwen3-TTS's 12 Hz tokenizer: 1920 samples at 24 kHz). */
    public static final double FRAMES_PER_SECOND = 12.5;

    /** @throws IllegalArgumentException if a field is null or out of range */
    public SynthesisProgress {
        Objects.requireNonNull(elapsed, "elapsed");
        if (frames < 0 || maxFrames < frames) {
            throw new IllegalArgumentException("need 0 <= frames <= maxFrames, got " + frames + "/" + maxFrames);
        }
    }

    /** @return seconds of audio the generated frames stand for */
    public double audioSeconds() {
        return frames / FRAMES_PER_SECOND;
    }

    /**
     * @return wall time divided by audio time so far (below 1 is faster than real time), or
     *     {@link Double#NaN} before the first frame
     */
    public double realTimeFactor() {
        return frames == 0 ? Double.NaN : elapsed.toNanos() / 1e9 / audioSeconds();
    }
}
