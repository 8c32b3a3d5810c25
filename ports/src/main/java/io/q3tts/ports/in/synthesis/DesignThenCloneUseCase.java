package io.q3tts.ports.in.synthesis;

import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.model.CancellationToken;

/**
 * Use case: design a voice and save it as a reusable clone prompt (see {@link DesignThenCloneCommand}),
 * blocking until done. One job, holding one GPU slot for both steps. If the second step fails, the
 * half-made voice is deleted again; the designed sample stays in the output history.
 *
 * <p>Thread-safe. Errors: as {@code SubmitJobUseCase#submitJob} at admission (including
 * {@code ConflictException} for a taken name), then whatever the job failed with.
 */
public interface DesignThenCloneUseCase {

    /**
     * @param command the validated command, never null
     * @param listener hears the job's events, never null
     * @param cancellation cancels the job when it fires, never null
     * @return the job, the new voice and the designed sample
     */
    DesignThenCloneOutcome designThenClone(DesignThenCloneCommand command, JobListener listener,
                                           CancellationToken cancellation);
}
