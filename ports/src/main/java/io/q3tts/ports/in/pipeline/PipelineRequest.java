package io.q3tts.ports.in.pipeline;

import io.q3tts.ports.in.job.JobId;
import java.util.Objects;

/**
 * The request an unfinished pipeline run was made from, as its plugin stored it: what a page reads
 * to let the user edit the request and submit it again.
 *
 * @param jobId the run's job id, never null
 * @param pipelineId the pipeline (plugin id), never null
 * @param payload the plugin's serialized request (the bundled pipelines store JSON), never null
 */
public record PipelineRequest(JobId jobId, String pipelineId, byte[] payload) {

    /** @throws NullPointerException on a missing field */
    public PipelineRequest {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(pipelineId, "pipelineId");
        payload = Objects.requireNonNull(payload, "payload").clone();
    }

    /** @return a copy of the payload */
    @Override
    public byte[] payload() {
        return payload.clone();
    }
}
