package io.q3tts.ports.in.job;

/**
 * Receives the events of one job.
 *
 * <p>Events arrive in order and never concurrently for one listener, on the job's worker thread
 * (or, for events caused by a caller, e.g. cancelling a queued job, on the caller's thread). They
 * sit on the generation path: return quickly, hand slow work (network writes) to another thread.
 * An exception thrown by a listener is logged and detaches that listener; it never fails the job
 * (a caller who wants the job to stop when its client goes away cancels it).
 */
@FunctionalInterface
public interface JobListener {

    /** A listener that ignores everything. */
    JobListener NONE = event -> { };

    /** @param event never null */
    void onEvent(JobEvent event);
}
