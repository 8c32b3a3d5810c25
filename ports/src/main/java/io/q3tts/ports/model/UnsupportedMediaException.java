package io.q3tts.ports.model;

/**
 * An uploaded file cannot be read: unknown container, unsupported codec, corrupt data
 * ({@link ErrorType#UNSUPPORTED_MEDIA}).
 */
public final class UnsupportedMediaException extends Q3ttsException {

    private static final long serialVersionUID = 1L;

    /**
     * @param field the upload field (e.g. {@code "ref_audio"}), or null
     * @param message the user-facing message, naming what is accepted
     */
    public UnsupportedMediaException(String field, String message) {
        super(ErrorType.UNSUPPORTED_MEDIA, message, field, null);
    }

    /**
     * @param field the upload field, or null
     * @param message the user-facing message
     * @param cause the decoder's failure, kept for logs
     */
    public UnsupportedMediaException(String field, String message, Throwable cause) {
        super(ErrorType.UNSUPPORTED_MEDIA, message, field, cause);
    }
}
