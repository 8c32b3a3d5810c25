package io.q3tts.ports.out.output;

import io.q3tts.ports.model.ModelTask;

/**
 * A page of the output history, newest first.
 *
 * @param limit the most records to return, 1..1000
 * @param beforeId only records older than this id (the last id of the previous page), or null for the newest
 * @param task only this task, or null for all
 */
public record OutputQuery(int limit, String beforeId, ModelTask task) {

    /** @throws IllegalArgumentException if {@code limit} is out of range */
    public OutputQuery {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be in 1..1000: " + limit);
        }
    }
}
