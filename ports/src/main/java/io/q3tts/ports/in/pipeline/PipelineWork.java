package io.q3tts.ports.in.pipeline;

import io.q3tts.ports.model.ModelTask;

/**
 * One validated pipeline request, ready to run. Implemented by the plugin.
 *
 * <p>{@link #run} executes on a pipeline worker thread; it submits its steps through the ordinary
 * synthesis use cases (passing {@link PipelineContext#cancellation()}), reports progress, and
 * checkpoints every finished step so a resumed run skips it.
 */
public interface PipelineWork {

    /** @return a short, user-facing description for job lists, never null */
    String summary();

    /** @return the task most steps run, used to pick and check the model before the job starts; never null */
    ModelTask task();

    /** @return the model the request names, or null to let the core pick one that serves {@link #task()} */
    String modelId();

    /**
     * Does the work.
     *
     * @param context progress, cancellation and checkpoints of this run, never null
     * @return the result to store as the run's output, never null
     * @throws io.q3tts.ports.model.CancelledException if the context's token fired
     * @throws io.q3tts.ports.model.Q3ttsException if a step failed for good; finished steps stay
     *     checkpointed, so {@link PipelineJobsUseCase#resumePipeline} can go on from there
     */
    PipelineOutput run(PipelineContext context);
}
