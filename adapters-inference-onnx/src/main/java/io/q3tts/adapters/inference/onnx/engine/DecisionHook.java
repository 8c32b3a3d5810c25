package io.q3tts.adapters.inference.onnx.engine;

/**
 * Observes, and may replace, each token decision; for parity tests that must continue from the
 * reference token after a legitimate near-tie. Production code passes none.
 */
@FunctionalInterface
public interface DecisionHook {

    /**
     * @param decision the codebook-0 decision index (talker), or the frame index (code predictor)
     * @param group 0 for the talker's codebook-0 decision, 1..15 for the code predictor's
     * @param scores the final processed scores the choice was made on (read only)
     * @param chosen the engine's choice
     * @return the token to continue with
     */
    int decide(int decision, int group, float[] scores, int chosen);
}
