package io.q3tts.ports.out.job;

import java.util.List;

/**
 * Driven port: the durable record of each asynchronous job. The domain saves a job when it admits it
 * (before answering 202) and again at each state change; whatever a crash leaves {@code QUEUED} or
 * {@code RUNNING} is reported at the next start as interrupted, with its request kept so it can be
 * sent again.
 *
 * <p>Every save is atomic (a record is whole or absent after a crash) and owner-only on disk.
 * Implementations are thread-safe. All methods throw {@code StorageException} on I/O failure.
 */
public interface JobStore {

    /**
     * Creates or replaces a job's record.
     *
     * @param job the record, never null
     */
    void save(StoredJob job);

    /** @return every record, oldest submission first; an unreadable record is skipped (and logged) */
    List<StoredJob> list();

    /**
     * Deletes a record; a missing one is not an error.
     *
     * @param id the job's id
     */
    void delete(String id);
}
