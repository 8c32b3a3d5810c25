package io.q3tts.ports.in.job;

import io.q3tts.ports.model.NotFoundException;

/**
 * Use case: the current state of one job. Finished jobs are kept for a while (a bounded history,
 * oldest dropped first), then forgotten; their outputs stay in the output history.
 *
 * <p>Thread-safe.
 */
public interface GetJobUseCase {

    /**
     * @param jobId never null
     * @return a snapshot, never null
     * @throws NotFoundException (field {@code job_id}) if the job is unknown or forgotten
     */
    JobView getJob(JobId jobId);
}
