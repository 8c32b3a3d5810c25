package io.q3tts.adapters.inference.onnx.engine;

/** How the 15 residual codes of a frame are predicted. */
public enum PredictorMode {
    /** One run of {@code code_predictor_frame.onnx} per frame (sampling inside the graph); the fast path. */
    FUSED,
    /**
     * 15 runs of {@code code_predictor_step.onnx} with the choices made in Java; lets a
     * {@link DecisionHook} see every residual decision (parity tests).
     */
    STEPWISE
}
