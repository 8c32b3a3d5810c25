package io.q3tts.ports.in.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When a job passed its milestones (domain clock).
 *
 * @param submittedAt when it was admitted, never null
 * @param startedAt when a worker started it, or null if it has not started (or was cancelled while queued)
 * @param finishedAt when it reached a terminal state, or null
 */
public record JobTimings(Instant submittedAt, Instant startedAt, Instant finishedAt) {

    /** @throws NullPointerException if {@code submittedAt} is null */
    public JobTimings {
        Objects.requireNonNull(submittedAt, "submittedAt");
    }

    /** @return time spent waiting in the queue, once the job has left it */
    public Optional<Duration> queued() {
        Instant left = startedAt != null ? startedAt : finishedAt;
        return left == null ? Optional.empty() : Optional.of(Duration.between(submittedAt, left));
    }

    /** @return time spent running, once the job has finished after starting */
    public Optional<Duration> running() {
        return startedAt == null || finishedAt == null ? Optional.empty() : Optional.of(Duration.between(startedAt, finishedAt));
    }
}
