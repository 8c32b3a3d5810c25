package io.q3tts.ports.model;

import java.util.Objects;

/** A request field holds a value that can never succeed ({@link ErrorType#INVALID_ARGUMENT}). */
public final class InvalidArgumentException extends Q3ttsException {

    private static final long serialVersionUID = 1L;

    /**
     * @param field the offending field in the caller's vocabulary (e.g. {@code "speaker"}), never null
     * @param message what is wrong and, where possible, what is allowed
     */
    public InvalidArgumentException(String field, String message) {
        super(ErrorType.INVALID_ARGUMENT, message, Objects.requireNonNull(field, "field"), null);
    }

    /** @return the name of the offending field, never null */
    @Override
    public String field() {
        return super.field();
    }
}
