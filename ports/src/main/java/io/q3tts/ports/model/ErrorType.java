package io.q3tts.ports.model;

/**
 * The closed vocabulary of failure kinds that every adapter maps to and from.
 *
 * <p>Driving adapters translate these to their protocol (an HTTP status, a CLI exit code); the
 * constant names are stable and may appear in user-facing JSON.
 */
public enum ErrorType {
    /** The caller sent a value that can never succeed; {@link InvalidArgumentException#field()} names it. */
    INVALID_ARGUMENT,
    /** A named thing (model, speaker, voice, job) does not exist. */
    NOT_FOUND,
    /** The request is well formed but the loaded model or this build cannot do it. */
    UNSUPPORTED,
    /** Inference itself failed: a broken bundle, a runtime error, an out-of-memory device. */
    MODEL_ERROR,
    /** The caller cancelled the operation before it finished. */
    CANCELLED,
    /** The system is at capacity; the same request may succeed later. */
    OVERLOADED
}
