package io.q3tts.adapters.inference.onnx.engine;

/**
 * The codec frames of one generation.
 *
 * @param frames {@code [frames][16]} codes, each 0..2047
 * @param stopReason why generation ended
 * @param prefillNanos time to the first codebook-0 decision
 * @param totalNanos total loop time
 * @param stats where the time went, or null unless {@link GenerationSettings#collectStats()}
 */
public record GeneratedCodes(int[][] frames, StopReason stopReason, long prefillNanos, long totalNanos,
                             GenerationStats stats) {

    /** @return the frame count */
    public int frameCount() {
        return frames.length;
    }
}
