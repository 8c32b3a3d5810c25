package io.q3tts.ports.in.job;

/**
 * What a job is asked to do. Implemented by the self-validating synthesis commands of
 * {@code io.q3tts.ports.in.synthesis}; the domain accepts exactly those and rejects any other
 * implementation with {@code UnsupportedException}.
 *
 * <p>Implementations are immutable records, validated on construction.
 */
public interface JobRequest {

    /** @return the kind of job, never null */
    JobKind kind();

    /** @return the model the caller asked for, or null to let the domain pick one that serves the task */
    String modelId();

    /** @return a short, user-facing description for job lists (e.g. the first words of the text), never null */
    String summary();
}
