package io.q3tts.ports.model;

/**
 * The request clashes with the current state ({@link ErrorType#CONFLICT}): a voice name that is
 * already taken, a model that is still in use and cannot be unloaded within the wait limit.
 */
public final class ConflictException extends Q3ttsException {

    private static final long serialVersionUID = 1L;

    /** @param message the user-facing message */
    public ConflictException(String message) {
        super(ErrorType.CONFLICT, message, null, null);
    }

    /**
     * @param field the request field that clashes (e.g. {@code "name"}), or null
     * @param message the user-facing message
     */
    public ConflictException(String field, String message) {
        super(ErrorType.CONFLICT, message, field, null);
    }
}
