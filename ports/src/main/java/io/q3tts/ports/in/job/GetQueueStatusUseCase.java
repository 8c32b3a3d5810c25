package io.q3tts.ports.in.job;

/** Use case: the scheduler's current load. Thread-safe, cheap. */
public interface GetQueueStatusUseCase {

    /** @return a snapshot, never null */
    QueueStatus getQueueStatus();
}
