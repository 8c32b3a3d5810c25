package io.q3tts.ports.in.job;

import io.q3tts.ports.model.InvalidArgumentException;

/**
 * Submit one job.
 *
 * @param request what to do, a validated synthesis command; never null
 * @param listener receives every event of the job from its admission on; null means {@link JobListener#NONE}
 * @param durableRequest the request as the client sent it (JSON text): the job is then kept on disk
 *     from its admission on and survives a crash (reported as interrupted, with this text to send
 *     again); null for a job that lives only as long as its caller waits (blocking synthesis)
 */
public record SubmitJobCommand(JobRequest request, JobListener listener, String durableRequest) {

    /** @throws InvalidArgumentException (field {@code request}) if the request is missing */
    public SubmitJobCommand {
        if (request == null) {
            throw new InvalidArgumentException("request", "a job request is required.");
        }
        listener = listener == null ? JobListener.NONE : listener;
    }

    /**
     * A job that is not kept on disk.
     *
     * @param request what to do
     * @param listener receives every event, or null
     */
    public SubmitJobCommand(JobRequest request, JobListener listener) {
        this(request, listener, null);
    }

    /**
     * @param request what to do
     * @return a command without a listener
     */
    public static SubmitJobCommand of(JobRequest request) {
        return new SubmitJobCommand(request, null);
    }
}
