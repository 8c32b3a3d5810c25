package io.q3tts.adapters.inference.onnx.engine;

/**
 * A production cap on generated frames tied to the text length, against the official model's rare
 * missing-EOS runaways (minutes of audio for a short line). Off for parity runs: the official code
 * has no such cap.
 *
 * @param minFrames frames always allowed, &gt;= 1
 * @param framesPerTextToken extra frames allowed per target-text token, &gt;= 0
 */
public record RunawayGuard(int minFrames, double framesPerTextToken) {

    /** @throws IllegalArgumentException on out-of-range values */
    public RunawayGuard {
        if (minFrames < 1 || !(framesPerTextToken >= 0) || Double.isInfinite(framesPerTextToken)) {
            throw new IllegalArgumentException("runaway guard needs minFrames >= 1 and framesPerTextToken >= 0");
        }
    }

    /** @return 100 frames (8 s) plus 10 frames (0.8 s) per text token: far above natural speech rates */
    public static RunawayGuard defaults() {
        return new RunawayGuard(100, 10.0);
    }

    /**
     * @param textTokens target-text tokens
     * @return the frame limit
     */
    public int limit(int textTokens) {
        double extra = Math.ceil(textTokens * framesPerTextToken);
        return (int) Math.min(Integer.MAX_VALUE, minFrames + extra);
    }
}
