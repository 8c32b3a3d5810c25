package io.q3tts.ports.in.pipeline;

import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.model.NotFoundException;

/**
 * Use case: read the stored request of an unfinished pipeline run (failed, cancelled or
 * interrupted), so that a client can show it for editing and submit a corrected copy. A run that
 * finished or was dismissed is no longer stored.
 *
 * <p>Thread-safe.
 */
public interface GetPipelineRequestUseCase {

    /**
     * @param jobId never null
     * @return the stored request, never null
     * @throws NotFoundException (field {@code job_id}) if no unfinished run has that id
     */
    PipelineRequest getPipelineRequest(JobId jobId);
}
