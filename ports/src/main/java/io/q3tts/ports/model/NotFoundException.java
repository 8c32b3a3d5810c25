package io.q3tts.ports.model;

/** A named model, speaker, voice, job or output does not exist ({@link ErrorType#NOT_FOUND}). */
public final class NotFoundException extends Q3ttsException {

    private static final long serialVersionUID = 1L;

    /** @param message the user-facing message */
    public NotFoundException(String message) {
        super(ErrorType.NOT_FOUND, message, null);
    }

    /**
     * @param field the request field that named the missing thing (e.g. {@code "voice"}), or null
     * @param message the user-facing message
     */
    public NotFoundException(String field, String message) {
        super(ErrorType.NOT_FOUND, message, field, null);
    }
}
