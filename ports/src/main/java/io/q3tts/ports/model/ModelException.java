package io.q3tts.ports.model;

/**
 * Inference failed: a broken or incompatible model bundle, a runtime error, an exhausted device
 * ({@link ErrorType#MODEL_ERROR}). Adapters wrap their technology's exceptions in this one so that
 * nothing technology-specific leaks through a port.
 */
public final class ModelException extends Q3ttsException {

    private static final long serialVersionUID = 1L;

    /** @param message the user-facing message */
    public ModelException(String message) {
        super(ErrorType.MODEL_ERROR, message, null);
    }

    /**
     * @param message the user-facing message
     * @param cause the technology-level failure, kept for logs
     */
    public ModelException(String message, Throwable cause) {
        super(ErrorType.MODEL_ERROR, message, cause);
    }
}
