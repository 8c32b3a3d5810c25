package io.q3tts.ports.in.job;

import java.util.List;

/** Use case: list current and recently finished jobs, newest first. Thread-safe. */
public interface ListJobsUseCase {

    /**
     * @param query filter and limit, never null
     * @return snapshots, newest first, never null
     */
    List<JobView> listJobs(ListJobsQuery query);
}
