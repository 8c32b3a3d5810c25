package io.q3tts.ports.out.inference;

/** Why generation stopped. */
public enum FinishReason {
    /** The model produced its end-of-speech token: the audio is complete. */
    END_OF_SPEECH,
    /** {@link SynthesisRequest#maxNewTokens()} was reached first: the audio may be cut off. */
    MAX_NEW_TOKENS
}
