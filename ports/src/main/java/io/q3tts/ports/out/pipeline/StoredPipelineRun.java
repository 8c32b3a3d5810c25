package io.q3tts.ports.out.pipeline;

import io.q3tts.ports.model.Ids;
import java.time.Instant;
import java.util.Objects;

/**
 * A pipeline run as stored: enough to run it again after a restart.
 *
 * @param runId the run's (job's) id, path-safe
 * @param pipelineId the pipeline (plugin) id, path-safe
 * @param payload the request exactly as submitted, never null
 * @param createdAt when it was first submitted, never null
 * @param failed whether its last attempt failed ({@link PipelineRunStore#markFailed})
 */
public record StoredPipelineRun(String runId, String pipelineId, byte[] payload, Instant createdAt, boolean failed) {

    /** @throws IllegalArgumentException if an id is unsafe or a field is null */
    public StoredPipelineRun {
        if (!Ids.isSafe(runId) || !Ids.isSafe(pipelineId)) {
            throw new IllegalArgumentException("run and pipeline ids must be path-safe: " + runId + ", " + pipelineId);
        }
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * A run just submitted: not failed.
     *
     * @param runId the run's id
     * @param pipelineId the pipeline
     * @param payload the request
     * @param createdAt when it was submitted
     */
    public StoredPipelineRun(String runId, String pipelineId, byte[] payload, Instant createdAt) {
        this(runId, pipelineId, payload, createdAt, false);
    }
}
