package io.q3tts.ports.model;

import java.util.Objects;

/**
 * Base of every failure that crosses a port. Unchecked, so ports do not force
 * {@code throws} clauses on callers that cannot act on them; the sealed hierarchy lets a driving
 * adapter map every case exhaustively with a {@code switch} over {@link #errorType()}.
 *
 * <p>The {@linkplain #getMessage() message} is meant for end users: one sentence, no stack
 * details, no internal class names.
 */
public abstract sealed class Q3ttsException extends RuntimeException
        permits InvalidArgumentException, NotFoundException, UnsupportedException, ModelException,
                CancelledException, OverloadedException {

    private static final long serialVersionUID = 1L;

    private final ErrorType errorType;

    /**
     * @param errorType the failure kind, never null
     * @param message the user-facing message, never null
     * @param cause the underlying failure, or null
     */
    protected Q3ttsException(ErrorType errorType, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.errorType = Objects.requireNonNull(errorType, "errorType");
    }

    /** @return the failure kind, never null */
    public ErrorType errorType() {
        return errorType;
    }
}
