package io.q3tts.domain.job;

import io.q3tts.ports.in.job.JobRequest;

/**
 * Turns a job request into runnable work. {@link #prepare} runs on the submitting thread, before
 * the job is admitted, so every error it throws reaches the caller synchronously (a 4xx, not a
 * failed job).
 */
@FunctionalInterface
public interface JobRunner {

    /**
     * Validates the request against the chosen model and captures everything the run needs.
     *
     * @param request the request, never null
     * @return the prepared job, never null
     * @throws io.q3tts.ports.model.Q3ttsException for any request the job would certainly fail on
     */
    PreparedJob prepare(JobRequest request);
}
