package io.q3tts.ports.out.pipeline;

import java.util.List;
import java.util.Optional;

/**
 * Driven port: durable state of unfinished pipeline runs (the file-system adapter keeps a folder
 * per run). A run is created when it is submitted, collects checkpoints as its steps finish, and is
 * deleted when its output is stored or a user cancels it; whatever is left at start-up was
 * interrupted and is resumed.
 *
 * <p>Every write is atomic: after a crash a checkpoint is either whole or absent. Implementations
 * are thread-safe; each run is written by one thread at a time. All methods throw
 * {@code StorageException} on I/O failure.
 */
public interface PipelineRunStore {

    /**
     * Stores a new run.
     *
     * @param run the run, never null
     * @throws IllegalStateException if a run with that id exists
     */
    void create(StoredPipelineRun run);

    /** @return every stored run, oldest first; a run whose files are unreadable is skipped (and logged) */
    List<StoredPipelineRun> list();

    /**
     * @param runId a run id
     * @return the run, or empty
     */
    Optional<StoredPipelineRun> find(String runId);

    /**
     * @param runId a stored run
     * @param key a path-safe key
     * @return the checkpoint, or empty
     */
    Optional<byte[]> readCheckpoint(String runId, String key);

    /**
     * Writes (or replaces) a checkpoint atomically.
     *
     * @param runId a stored run
     * @param key a path-safe key
     * @param data the bytes
     */
    void writeCheckpoint(String runId, String key, byte[] data);

    /**
     * @param runId a stored run
     * @return how many checkpoints it has
     */
    int checkpointCount(String runId);

    /**
     * Marks a run as failed (its last attempt ended with an error) or clears the mark when it is
     * resumed. A failed run is kept for an explicit resume but not restarted automatically at start-up,
     * where it would only fail again.
     *
     * @param runId a stored run
     * @param failed the new mark
     */
    void markFailed(String runId, boolean failed);

    /**
     * Deletes a run and its checkpoints. Idempotent.
     *
     * @param runId a run id
     */
    void delete(String runId);
}
