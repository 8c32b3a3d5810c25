package io.q3tts.ports.in.job;

import io.q3tts.ports.model.InvalidArgumentException;

/**
 * Submit one job.
 *
 * @param request what to do, a validated synthesis command; never null
 * @param listener receives every event of the job from its admission on; null means {@link JobListener#NONE}
 */
public record SubmitJobCommand(JobRequest request, JobListener listener) {

    /** @throws InvalidArgumentException (field {@code request}) if the request is missing */
    public SubmitJobCommand {
        if (request == null) {
            throw new InvalidArgumentException("request", "a job request is required.");
        }
        listener = listener == null ? JobListener.NONE : listener;
    }

    /**
     * @param request what to do
     * @return a command without a listener
     */
    public static SubmitJobCommand of(JobRequest request) {
        return new SubmitJobCommand(request, null);
    }
}
