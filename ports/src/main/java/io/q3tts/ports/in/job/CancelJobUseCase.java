package io.q3tts.ports.in.job;

import io.q3tts.ports.model.NotFoundException;

/**
 * Use case: cancel a job.
 *
 * <p>A QUEUED job is removed from the queue at once and ends CANCELLED. A RUNNING job has its
 * cancellation token signalled and ends CANCELLED when its worker returns, which frees its slot;
 * a worker that ignores the signal loses its slot after the scheduler's grace period (see
 * {@code docs/architecture.md}, "GPU policy"). Cancelling a finished job changes nothing.
 *
 * <p>Thread-safe, idempotent.
 */
public interface CancelJobUseCase {

    /**
     * @param jobId never null
     * @return the job after the request: CANCELLED if it was queued; if it was running, RUNNING until
     *     its worker stops (or already CANCELLED if that was quick); unchanged if it had finished; never null
     * @throws NotFoundException (field {@code job_id}) if the job is unknown
     */
    JobView cancelJob(JobId jobId);
}
