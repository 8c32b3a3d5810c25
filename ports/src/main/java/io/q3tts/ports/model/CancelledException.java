package io.q3tts.ports.model;

/** The operation stopped because its {@link CancellationToken} was cancelled ({@link ErrorType#CANCELLED}). */
public final class CancelledException extends Q3ttsException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a generic message. */
    public CancelledException() {
        this("The operation was cancelled.");
    }

    /** @param message the user-facing message */
    public CancelledException(String message) {
        super(ErrorType.CANCELLED, message, null);
    }
}
