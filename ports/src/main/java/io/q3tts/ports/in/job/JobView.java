package io.q3tts.ports.in.job;

import java.util.Objects;

/**
 * An immutable snapshot of a job, as driving adapters show it.
 *
 * @param id the job id, never null
 * @param kind what it does, never null
 * @param modelId the model it runs on (resolved at submission when the request named none), never null
 * @param randomWeights whether that model has random weights (the audio will be noise)
 * @param summary a short description of the request, never null
 * @param state where it is in its life cycle, never null
 * @param progress queue position and generation progress, never null
 * @param timings milestones, never null
 * @param result the produced output (and voice), non-null exactly when {@code state == DONE}
 * @param error why it failed or was cancelled; non-null when {@code state} is FAILED or CANCELLED, else null
 * @param pipeline the pipeline id when {@code kind} is {@link JobKind#PIPELINE}, else null
 * @param request the request as the client sent it (JSON text) for a job kept on disk, else null;
 *     what to send again to re-run a job a restart interrupted
 * @param parent the pipeline job this job is a step of, or null for a job submitted on its own
 * @param worker in cluster mode, the worker process that ran (or runs) the job's synthesis; for a
 *     pipeline, the worker of its latest step; null when the job ran in this process or has not
 *     reached a worker (kept in the job store, so a job read back after a restart still names it)
 */
public record JobView(
        JobId id,
        JobKind kind,
        String modelId,
        boolean randomWeights,
        String summary,
        JobState state,
        JobProgress progress,
        JobTimings timings,
        JobResult result,
        JobError error,
        String pipeline,
        String request,
        JobId parent,
        String worker) {

    /** @throws IllegalArgumentException if the fields are inconsistent with {@code state} */
    public JobView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(timings, "timings");
        if ((state == JobState.DONE) != (result != null)) {
            throw new IllegalArgumentException("result must be set exactly when the job is DONE");
        }
        if ((kind == JobKind.PIPELINE) != (pipeline != null)) {
            throw new IllegalArgumentException("pipeline must be set exactly for PIPELINE jobs");
        }
        if ((state == JobState.FAILED || state == JobState.CANCELLED) != (error != null)) {
            throw new IllegalArgumentException("error must be set exactly when the job FAILED or was CANCELLED");
        }
    }

    /** A job no cluster worker has run: {@code worker} null, the other fields as in the canonical constructor. */
    public JobView(JobId id, JobKind kind, String modelId, boolean randomWeights, String summary, JobState state,
                   JobProgress progress, JobTimings timings, JobResult result, JobError error, String pipeline,
                   String request, JobId parent) {
        this(id, kind, modelId, randomWeights, summary, state, progress, timings, result, error, pipeline, request, parent,
                null);
    }

    /**
     * A job not kept on disk and no pipeline's step: {@code request} and {@code parent} null, the other
     * fields as in the canonical constructor.
     */
    public JobView(JobId id, JobKind kind, String modelId, boolean randomWeights, String summary, JobState state,
                   JobProgress progress, JobTimings timings, JobResult result, JobError error, String pipeline) {
        this(id, kind, modelId, randomWeights, summary, state, progress, timings, result, error, pipeline, null, null);
    }

    /** A job that is not a pipeline: {@code pipeline} null, the other fields as in the canonical constructor. */
    public JobView(JobId id, JobKind kind, String modelId, boolean randomWeights, String summary, JobState state,
                   JobProgress progress, JobTimings timings, JobResult result, JobError error) {
        this(id, kind, modelId, randomWeights, summary, state, progress, timings, result, error, null, null, null);
    }
}
