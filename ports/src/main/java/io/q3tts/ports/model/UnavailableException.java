package io.q3tts.ports.model;

/**
 * A needed component is temporarily unavailable ({@link ErrorType#UNAVAILABLE}): the service is
 * shutting down, a model is being unloaded, a plugin is disabled. Unlike
 * {@link OverloadedException} this is not about queue capacity.
 */
public final class UnavailableException extends Q3ttsException {

    private static final long serialVersionUID = 1L;

    /** @param message the user-facing message */
    public UnavailableException(String message) {
        super(ErrorType.UNAVAILABLE, message, null, null);
    }

    /**
     * @param message the user-facing message
     * @param cause the underlying failure, or null
     */
    public UnavailableException(String message, Throwable cause) {
        super(ErrorType.UNAVAILABLE, message, null, cause);
    }
}
