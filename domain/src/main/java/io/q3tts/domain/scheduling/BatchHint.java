package io.q3tts.domain.scheduling;

import java.util.Objects;

/**
 * Marks a GPU job as batchable: jobs with the same {@link #key} may share one GPU slot and run as
 * rows of one batch ({@link WorkScheduler#submit(Lane, String, BatchHint, BatchWork, TicketListener)}).
 *
 * @param key what makes jobs compatible (the model id: rows of one batch share one loaded model), never blank
 * @param expectedPositions an upper estimate of the sequence positions the job's row will hold
 *     (prompt plus generated frames), &gt;= 1; with the model's KV bytes per position it is the row's
 *     share of the KV-memory budget
 */
public record BatchHint(String key, long expectedPositions) {

    /** @throws IllegalArgumentException on a blank key or positions below 1 */
    public BatchHint {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("a batch key must not be blank");
        }
        if (expectedPositions < 1) {
            throw new IllegalArgumentException("expectedPositions must be at least 1: " + expectedPositions);
        }
    }
}
