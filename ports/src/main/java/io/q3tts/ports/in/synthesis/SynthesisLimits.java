package io.q3tts.ports.in.synthesis;

/** Limits the synthesis commands enforce before anything is queued. */
public final class SynthesisLimits {

    /** Longest text (and sample text) of one request, in characters; longer texts must be split by the caller. */
    public static final int MAX_TEXT_LENGTH = 4096;
    /** Longest instruct / voice description, in characters. */
    public static final int MAX_INSTRUCT_LENGTH = 2000;
    /** Largest {@code max_new_tokens}: 8192 frames, about 11 minutes of audio. */
    public static final int MAX_NEW_TOKENS_LIMIT = 8192;

    private SynthesisLimits() {
    }
}
