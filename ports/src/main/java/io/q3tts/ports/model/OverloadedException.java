package io.q3tts.ports.model;

/** The system is at capacity; retrying later may succeed ({@link ErrorType#OVERLOADED}). */
public final class OverloadedException extends Q3ttsException {

    private static final long serialVersionUID = 1L;

    /** @param message the user-facing message */
    public OverloadedException(String message) {
        super(ErrorType.OVERLOADED, message, null);
    }
}
