package io.q3tts.ports.model;

import java.time.Duration;
import java.util.Optional;

/**
 * The system is at capacity; retrying later may succeed ({@link ErrorType#OVERLOADED}). HTTP maps
 * it to 429 with a {@code Retry-After} header taken from {@link #retryAfter()}.
 */
public final class OverloadedException extends Q3ttsException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    /** @param message the user-facing message */
    public OverloadedException(String message) {
        this(message, null);
    }

    /**
     * @param message the user-facing message
     * @param retryAfter the estimated wait before a retry is likely to be admitted, or null if unknown;
     *     never negative
     */
    public OverloadedException(String message, Duration retryAfter) {
        super(ErrorType.OVERLOADED, message, null);
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /** @return the estimated wait before retrying, if the thrower could estimate one */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** @return {@link #retryAfter()} rounded up to whole seconds (at least 1), the HTTP {@code Retry-After} value; 1 when unknown */
    public long retryAfterSeconds() {
        if (retryAfter == null) {
            return 1;
        }
        long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
