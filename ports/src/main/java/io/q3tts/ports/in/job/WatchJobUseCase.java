package io.q3tts.ports.in.job;

import io.q3tts.ports.model.NotFoundException;

/**
 * Use case: follow a job's events (the WebSocket / SSE job stream).
 *
 * <p>The listener first receives one {@link JobEvent.StateChanged} with the current snapshot,
 * then every later event. Audio produced before the subscription is not replayed (use
 * {@link SubmitJobCommand#listener()} to hear a job from its start). If the job has already
 * finished, the listener receives its final snapshot and nothing else.
 *
 * <p>Thread-safe.
 */
public interface WatchJobUseCase {

    /**
     * @param jobId never null
     * @param listener never null
     * @return the subscription; close it to stop listening (it ends by itself after the final event)
     * @throws NotFoundException (field {@code job_id}) if the job is unknown
     */
    JobSubscription watchJob(JobId jobId, JobListener listener);
}
