package io.q3tts.ports.model;

/**
 * The closed vocabulary of failure kinds that every adapter maps to and from.
 *
 * <p>Driving adapters translate these to their protocol (an HTTP status, a CLI exit code, a
 * WebSocket error frame); the constant names are stable and may appear in user-facing JSON. The
 * HTTP mapping is fixed in {@code docs/architecture.md} ("Error vocabulary").
 */
public enum ErrorType {
    /** The caller sent a value that can never succeed; {@link Q3ttsException#field()} names it. */
    INVALID_ARGUMENT,
    /** A named thing (model, speaker, voice, job, output) does not exist. */
    NOT_FOUND,
    /** The request is well formed but the loaded model or this build cannot do it. */
    UNSUPPORTED,
    /** Inference itself failed: a broken bundle, a runtime error, an out-of-memory device. */
    MODEL_ERROR,
    /** The caller cancelled the operation before it finished. */
    CANCELLED,
    /** The system is at capacity; the same request may succeed later ({@link OverloadedException#retryAfter()}). */
    OVERLOADED,
    /** The request clashes with the current state: a name already taken, a model still busy. */
    CONFLICT,
    /** An upload or request body is larger than the configured limit. */
    PAYLOAD_TOO_LARGE,
    /** An uploaded file is in a media type or encoding that cannot be read (e.g. not a decodable audio file). */
    UNSUPPORTED_MEDIA,
    /** A needed component is temporarily unavailable: a model being unloaded, the service shutting down. */
    UNAVAILABLE,
    /** Reading or writing persistent storage (voices, outputs) failed. */
    STORAGE_ERROR
}
