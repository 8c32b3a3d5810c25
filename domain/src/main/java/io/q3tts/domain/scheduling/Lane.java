package io.q3tts.domain.scheduling;

/** The two kinds of work the scheduler admits, each with its own slots and queue. */
public enum Lane {
    /** Generation: the talker on the GPU. Also model loading, which happens inside a generation job. */
    GPU,
    /** Speech-tokenizer encode/decode: small, may run beside generation (or share the GPU lane). */
    TOKENIZER
}
