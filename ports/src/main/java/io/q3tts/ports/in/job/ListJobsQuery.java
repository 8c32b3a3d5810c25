package io.q3tts.ports.in.job;

import io.q3tts.ports.model.InvalidArgumentException;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which jobs to list.
 *
 * @param states only jobs in these states; null or empty means all
 * @param limit the most jobs to return, 1..1000
 */
public record ListJobsQuery(Set<JobState> states, int limit) {

    /** The default page size. */
    public static final int DEFAULT_LIMIT = 100;

    /** @throws InvalidArgumentException (field {@code limit}) if out of range */
    public ListJobsQuery {
        states = states == null || states.isEmpty() ? Set.copyOf(EnumSet.allOf(JobState.class)) : Set.copyOf(states);
        if (limit < 1 || limit > 1000) {
            throw new InvalidArgumentException("limit", "limit must be between 1 and 1000, got " + limit + ".");
        }
    }

    /** @return every state, {@link #DEFAULT_LIMIT} jobs */
    public static ListJobsQuery all() {
        return new ListJobsQuery(null, DEFAULT_LIMIT);
    }
}
