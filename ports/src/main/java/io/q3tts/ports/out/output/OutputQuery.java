package io.q3tts.ports.out.output;

import io.q3tts.ports.model.ModelTask;
import java.time.Instant;

/**
 * A page of the output history, newest first, optionally filtered. Every filter is optional (null
 * means any); filters combine with AND.
 *
 * @param limit the most records to return, 1..1000
 * @param beforeId only records older than this id (the last id of the previous page), or null for the newest
 * @param task only this task, or null for all
 * @param voiceId only runs that cloned this saved voice, or null
 * @param modelId only runs on this model, or null
 * @param pipeline only runs of this pipeline, or null
 * @param since only runs created at or after this instant, or null
 * @param until only runs created before this instant, or null
 */
public record OutputQuery(int limit, String beforeId, ModelTask task, String voiceId, String modelId, String pipeline,
                          Instant since, Instant until) {

    /** @throws IllegalArgumentException if {@code limit} is out of range */
    public OutputQuery {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be in 1..1000: " + limit);
        }
    }

    /**
     * @param limit the most records to return
     * @param beforeId paging cursor, or null
     * @param task task filter, or null
     */
    public OutputQuery(int limit, String beforeId, ModelTask task) {
        this(limit, beforeId, task, null, null, null, null, null);
    }

    /**
     * @param r a record
     * @return whether the record passes every filter (the cursor is not checked here)
     */
    public boolean matches(OutputRecord r) {
        return (task == null || r.task() == task)
                && (voiceId == null || voiceId.equals(r.voiceId()))
                && (modelId == null || modelId.equals(r.modelId()))
                && (pipeline == null || pipeline.equals(r.pipeline()))
                && (since == null || !r.createdAt().isBefore(since))
                && (until == null || r.createdAt().isBefore(until));
    }
}
