package io.q3tts.adapters.inference.onnx.engine;

/**
 * Where the time of one generation went, measured with {@link System#nanoTime()} around every
 * {@code OrtSession.run} call. Collected only when {@link GenerationSettings#collectStats()} is on.
 *
 * <p>The frame loop is everything after the prefill: per frame one code-predictor pass (one run when
 * fused, 15 when stepwise) and one talker step. Its Java overhead is the loop's wall time minus the
 * time spent inside those runs: sampling, embedding sums, buffer copies, listener calls.
 *
 * @param frames frames produced
 * @param prefillNanos wall time of the prefill (prompt upload plus the talker run)
 * @param prefillRunNanos time inside the prefill's talker run
 * @param firstFrameNanos time from the start to the first frame's codes (0 without frames)
 * @param loopNanos wall time of the frame loop (after the prefill)
 * @param talkerNanos time inside the talker step runs of the loop
 * @param talkerRuns talker step runs in the loop
 * @param predictorNanos time inside the code-predictor runs
 * @param predictorRuns code-predictor runs
 */
public record GenerationStats(int frames, long prefillNanos, long prefillRunNanos, long firstFrameNanos,
                              long loopNanos, long talkerNanos, int talkerRuns, long predictorNanos,
                              int predictorRuns) {

    /** @return loop time not spent inside ONNX Runtime */
    public long javaNanos() {
        return Math.max(0, loopNanos - talkerNanos - predictorNanos);
    }

    /** @return {@link #javaNanos()} as a fraction of the loop's wall time (0 for an empty loop) */
    public double javaOverheadFraction() {
        return loopNanos == 0 ? 0 : (double) javaNanos() / loopNanos;
    }

    /** @return mean loop wall time per frame, ms */
    public double loopMsPerFrame() {
        return perFrameMs(loopNanos);
    }

    /** @return mean talker step time per frame, ms */
    public double talkerMsPerFrame() {
        return perFrameMs(talkerNanos);
    }

    /** @return mean code-predictor time per frame, ms */
    public double predictorMsPerFrame() {
        return perFrameMs(predictorNanos);
    }

    /** @return mean Java overhead per frame, ms */
    public double javaMsPerFrame() {
        return perFrameMs(javaNanos());
    }

    private double perFrameMs(long nanos) {
        return frames == 0 ? 0 : nanos / 1e6 / frames;
    }
}
