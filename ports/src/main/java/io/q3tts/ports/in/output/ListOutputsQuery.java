package io.q3tts.ports.in.output;

import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;

/**
 * A page of the output history, newest first.
 *
 * @param limit the most outputs to return, 1..1000
 * @param beforeId only outputs older than this one (the last id of the previous page), or null
 * @param task only this task, or null for all
 */
public record ListOutputsQuery(int limit, String beforeId, ModelTask task) {

    /** The default page size. */
    public static final int DEFAULT_LIMIT = 50;

    /** @throws InvalidArgumentException naming {@code limit} or {@code before} */
    public ListOutputsQuery {
        if (limit < 1 || limit > 1000) {
            throw new InvalidArgumentException("limit", "limit must be between 1 and 1000, got " + limit + ".");
        }
        if (beforeId != null) {
            Ids.requireSafe(beforeId, "before");
        }
    }

    /** @return the newest {@link #DEFAULT_LIMIT} outputs of every task */
    public static ListOutputsQuery newest() {
        return new ListOutputsQuery(DEFAULT_LIMIT, null, null);
    }
}
