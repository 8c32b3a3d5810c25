package io.q3tts.ports.model;

/** An upload or body exceeds the configured size limit ({@link ErrorType#PAYLOAD_TOO_LARGE}). */
public final class PayloadTooLargeException extends Q3ttsException {

    private static final long serialVersionUID = 1L;

    private final long limitBytes;

    /**
     * @param field the oversized field (e.g. {@code "audio_sample"}), or null for the whole body
     * @param message the user-facing message, naming the limit
     * @param limitBytes the limit that was exceeded, &gt; 0
     */
    public PayloadTooLargeException(String field, String message, long limitBytes) {
        super(ErrorType.PAYLOAD_TOO_LARGE, message, field, null);
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("limitBytes must be positive: " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    /** @return the limit in bytes that was exceeded */
    public long limitBytes() {
        return limitBytes;
    }
}
