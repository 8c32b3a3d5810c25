package io.q3tts.ports.model;

import java.util.Objects;

/**
 * Base of every failure that crosses a port. Unchecked, so ports do not force
 * {@code throws} clauses on callers that cannot act on them; the sealed hierarchy lets a driving
 * adapter map every case exhaustively with a {@code switch} over {@link #errorType()}.
 *
 * <p>Every instance carries three things a driving adapter reports: the {@linkplain #errorType()
 * kind}, the {@linkplain #getMessage() message} and, where one request field is to blame, the
 * {@linkplain #field() field} in the caller's vocabulary (snake_case, as in the HTTP API).
 *
 * <p>The message is meant for end users: one sentence, no stack details, no internal class names.
 */
public abstract sealed class Q3ttsException extends RuntimeException
        permits InvalidArgumentException, NotFoundException, UnsupportedException, ModelException,
                CancelledException, OverloadedException, ConflictException, PayloadTooLargeException,
                UnsupportedMediaException, UnavailableException, StorageException {

    private static final long serialVersionUID = 1L;

    private final ErrorType errorType;
    private final String field;

    /**
     * @param errorType the failure kind, never null
     * @param message the user-facing message, never null
     * @param cause the underlying failure, or null
     */
    protected Q3ttsException(ErrorType errorType, String message, Throwable cause) {
        this(errorType, message, null, cause);
    }

    /**
     * @param errorType the failure kind, never null
     * @param message the user-facing message, never null
     * @param field the offending request field, or null when no single field is to blame
     * @param cause the underlying failure, or null
     */
    protected Q3ttsException(ErrorType errorType, String message, String field, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.errorType = Objects.requireNonNull(errorType, "errorType");
        this.field = field;
    }

    /** @return the failure kind, never null */
    public ErrorType errorType() {
        return errorType;
    }

    /**
     * @return the request field to blame (e.g. {@code "speaker"}, {@code "ref_audio"}), or null
     *     when the failure is not about one field. Never null for {@link InvalidArgumentException}.
     */
    public String field() {
        return field;
    }
}
