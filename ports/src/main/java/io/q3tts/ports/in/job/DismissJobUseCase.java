package io.q3tts.ports.in.job;

import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.NotFoundException;

/**
 * Use case: dismiss a finished job, so that lists of current work no longer show it.
 *
 * <p>The job leaves the job history, and an unfinished pipeline run kept for resuming (after a
 * failure or a cancel) is deleted with its checkpoints: a dismissed job cannot be resumed. Stored
 * outputs are not touched. Dismissing a queued or running job is refused: cancel it first.
 *
 * <p>Thread-safe.
 */
public interface DismissJobUseCase {

    /**
     * @param jobId never null
     * @throws NotFoundException (field {@code job_id}) if there is neither such a job nor a stored run
     * @throws ConflictException (field {@code job_id}) if the job is still queued or running
     */
    void dismissJob(JobId jobId);
}
