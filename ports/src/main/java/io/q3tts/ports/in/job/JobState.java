package io.q3tts.ports.in.job;

/**
 * The life cycle of a job: {@code QUEUED -> RUNNING -> DONE | FAILED | CANCELLED}, or
 * {@code QUEUED -> CANCELLED} when it is cancelled before it starts. Terminal states never change.
 */
public enum JobState {
    /** Admitted and waiting for a free slot; {@link JobProgress#queuePosition()} says where. */
    QUEUED,
    /** A worker is running it and holds a slot. */
    RUNNING,
    /** Finished; {@link JobView#result()} references the output (and voice). */
    DONE,
    /** Stopped by an error; {@link JobView#error()} says which. */
    FAILED,
    /** Cancelled by a caller, by a timeout, or because the service shut down. */
    CANCELLED;

    /** @return whether the state is final */
    public boolean isTerminal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
