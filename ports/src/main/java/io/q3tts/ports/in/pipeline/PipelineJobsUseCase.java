package io.q3tts.ports.in.pipeline;

import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobView;

/**
 * Use case: run pipelines as jobs. Pipeline jobs appear in the job use cases like any other job
 * (kind {@code PIPELINE}): list, get, watch (progress events), cancel.
 *
 * <p>Pipeline jobs run on their own small pool (configured, default 2 at once) with a bounded wait
 * queue; their steps queue for the GPU like every other synthesis. Thread-safe.
 */
public interface PipelineJobsUseCase {

    /**
     * Registers the handler of a pipeline. Plugins call this from {@code start}; a second
     * registration under the same id replaces the first.
     *
     * @param pipelineId the pipeline's id (the plugin id), path-safe
     * @param handler never null
     */
    void registerPipeline(String pipelineId, PipelineHandler handler);

    /**
     * Validates the request with the pipeline's handler, stores it (so it survives a restart) and
     * queues the job.
     *
     * @param pipelineId a registered pipeline
     * @param payload the serialized request, never null; at most a few MiB
     * @return the job as admitted, never null
     * @throws io.q3tts.ports.model.NotFoundException if the pipeline is not registered
     * @throws io.q3tts.ports.model.Q3ttsException whatever the handler rejects the request with
     * @throws io.q3tts.ports.model.OverloadedException if the pipeline queue is full
     */
    JobView submitPipeline(String pipelineId, byte[] payload);

    /**
     * Runs a FAILED (or, after a shutdown, interrupted) pipeline job again under the same id,
     * reusing its checkpoints: finished steps are not generated again.
     *
     * @param jobId the job
     * @return the job as re-admitted
     * @throws io.q3tts.ports.model.NotFoundException (field {@code job_id}) if there is no stored,
     *     unfinished pipeline run with that id
     * @throws io.q3tts.ports.model.ConflictException if it is still queued or running
     */
    JobView resumePipeline(JobId jobId);
}
