package io.q3tts.ports.out.cluster;

/**
 * Hears about a dispatched step while it runs somewhere else. Calls come from the adapter's
 * threads; implementations must be quick and thread-safe. Reports are best effort: one may be
 * lost (a connection drops) or arrive twice (the step is redelivered), the result never is.
 */
public interface StepObserver {

    /** Ignores everything. */
    StepObserver NONE = new StepObserver() { };

    /**
     * A worker took the step (again, after a redelivery).
     *
     * @param worker its id
     */
    default void started(String worker) {
    }

    /**
     * Generation progress.
     *
     * @param frames codec frames generated so far
     * @param maxFrames the request's limit
     */
    default void progress(int frames, int maxFrames) {
    }
}
