package io.q3tts.ports.model;

/**
 * Reading or writing persistent storage failed ({@link ErrorType#STORAGE_ERROR}). Storage adapters
 * wrap their {@code IOException}s in this one so that nothing technology-specific leaks through a port.
 */
public final class StorageException extends Q3ttsException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the user-facing message (no absolute paths of the server)
     * @param cause the I/O failure, kept for logs; may be null
     */
    public StorageException(String message, Throwable cause) {
        super(ErrorType.STORAGE_ERROR, message, null, cause);
    }
}
