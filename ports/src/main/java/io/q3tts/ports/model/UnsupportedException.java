package io.q3tts.ports.model;

/** The request is valid but the loaded model or this build cannot serve it ({@link ErrorType#UNSUPPORTED}). */
public final class UnsupportedException extends Q3ttsException {

    private static final long serialVersionUID = 1L;

    /** @param message the user-facing message */
    public UnsupportedException(String message) {
        super(ErrorType.UNSUPPORTED, message, null);
    }

    /**
     * @param field the request field asking for the unsupported thing (e.g. {@code "response_format"}), or null
     * @param message the user-facing message
     */
    public UnsupportedException(String field, String message) {
        super(ErrorType.UNSUPPORTED, message, field, null);
    }
}
