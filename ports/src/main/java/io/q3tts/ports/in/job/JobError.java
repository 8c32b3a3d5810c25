package io.q3tts.ports.in.job;

import io.q3tts.ports.model.ErrorType;
import io.q3tts.ports.model.Q3ttsException;
import java.util.Objects;

/**
 * Why a job failed or was cancelled, in the shape every driving adapter reports errors
 * ({@code {error, errorType, field}}).
 *
 * @param type the failure kind, never null
 * @param message the user-facing message, never null
 * @param field the request field to blame, or null
 */
public record JobError(ErrorType type, String message, String field) {

    /** @throws NullPointerException if {@code type} or {@code message} is null */
    public JobError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }

    /**
     * @param e a port exception
     * @return its type, message and field
     */
    public static JobError of(Q3ttsException e) {
        return new JobError(e.errorType(), e.getMessage(), e.field());
    }
}
