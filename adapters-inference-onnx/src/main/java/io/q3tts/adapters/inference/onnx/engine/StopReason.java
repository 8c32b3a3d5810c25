package io.q3tts.adapters.inference.onnx.engine;

/** Why the frame loop ended. */
public enum StopReason {
    /** The talker chose the end-of-speech token. */
    EOS,
    /** {@code max_new_tokens} decisions were made. */
    MAX_NEW_TOKENS,
    /** The runaway guard's frame limit was reached. */
    RUNAWAY_GUARD
}
