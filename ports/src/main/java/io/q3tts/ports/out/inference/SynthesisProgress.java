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

    /** @throws IllegalArgumentException if a field is null or out of range */
    public SynthesisProgress {
        Objects.requireNonNull(elapsed, "elapsed");
        if (frames < 0 || maxFrames < frames) {
            throw new IllegalArgumentException("need 0 <= frames <= maxFrames, got " + frames + "/" + maxFrames);
        }
    }
}
