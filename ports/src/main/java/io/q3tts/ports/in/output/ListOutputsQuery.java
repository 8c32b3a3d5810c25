package io.q3tts.ports.in.output;

import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import java.time.Instant;

/**
 * A page of the output history, newest first, optionally filtered. Every filter is optional (null
 * means any); filters combine with AND.
 *
 * @param limit the most outputs to return, 1..1000
 * @param beforeId only outputs older than this one (the last id of the previous page), or null
 * @param task only this task, or null for all
 * @param voiceId only outputs that cloned this saved voice, or null
 * @param modelId only outputs of this model, or null
 * @param pipeline only outputs of this pipeline (plugin id), or null
 * @param since only outputs created at or after this instant, or null
 * @param until only outputs created before this instant, or null
 */
public record ListOutputsQuery(int limit, String beforeId, ModelTask task, String voiceId, String modelId,
                               String pipeline, Instant since, Instant until) {

    /** The default page size. */
    public static final int DEFAULT_LIMIT = 50;

    /** @throws InvalidArgumentException naming the offending field */
    public ListOutputsQuery {
        if (limit < 1 || limit > 1000) {
            throw new InvalidArgumentException("limit", "limit must be between 1 and 1000, got " + limit + ".");
        }
        if (beforeId != null) {
            Ids.requireSafe(beforeId, "before");
        }
        if (voiceId != null) {
            Ids.requireSafe(voiceId, "voice");
        }
        if (modelId != null) {
            Ids.requireSafe(modelId, "model");
        }
        if (pipeline != null) {
            Ids.requireSafe(pipeline, "pipeline");
        }
        if (since != null && until != null && !since.isBefore(until)) {
            throw new InvalidArgumentException("until", "until must be later than since.");
        }
    }

    /**
     * @param limit the most outputs to return
     * @param beforeId paging cursor, or null
     * @param task task filter, or null
     */
    public ListOutputsQuery(int limit, String beforeId, ModelTask task) {
        this(limit, beforeId, task, null, null, null, null, null);
    }

    /** @return the newest {@link #DEFAULT_LIMIT} outputs of every task */
    public static ListOutputsQuery newest() {
        return new ListOutputsQuery(DEFAULT_LIMIT, null, null);
    }
}
