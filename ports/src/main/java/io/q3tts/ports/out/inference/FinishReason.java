package io.q3tts.ports.out.inference;

/** Why generation stopped. */
public enum FinishReason {
    /** The model produced its end-of-speech token: the audio is complete. */
    END_OF_SPEECH,
    /** {@link SynthesisRequest#maxNewTokens()} was reached first: the audio may be cut off. */
    MAX_NEW_TOKENS,
    /**
     * The synthesizer's own length limit for this text was reached first (a guard against the rare
     * generations that never produce end-of-speech): the audio is cut off. Official runs never
     * stop for this reason; synthesizers document how the limit is set and how to turn it off.
     */
    LENGTH_LIMIT
}
