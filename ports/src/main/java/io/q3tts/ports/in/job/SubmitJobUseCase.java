package io.q3tts.ports.in.job;

import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.UnavailableException;
import io.q3tts.ports.model.UnsupportedException;

/**
 * Use case: submit a synthesis job and return at once (the asynchronous job API: {@code POST
 * /api/jobs} answers 202 with the job). Follow it with {@link GetJobUseCase}, {@link WatchJobUseCase}
 * and {@link CancelJobUseCase}.
 *
 * <p>Thread-safe.
 */
public interface SubmitJobUseCase {

    /**
     * Validates the request against the chosen model (model exists and serves the task, speaker and
     * language known, saved voice exists, voice name free) and admits it to the GPU queue.
     *
     * @param command the request and an optional listener, never null
     * @return the job as admitted: QUEUED (or already RUNNING if a slot was free), never null
     * @throws InvalidArgumentException naming the offending field
     * @throws NotFoundException if the model or saved voice does not exist
     * @throws UnsupportedException if the model does not serve the task
     * @throws ConflictException if a design-then-clone voice name is taken
     * @throws OverloadedException if the wait queue is full; carries a retry-after estimate
     * @throws UnavailableException if the service is shutting down
     */
    JobView submitJob(SubmitJobCommand command);
}
