package io.q3tts.domain.job;

import io.q3tts.ports.in.job.JobResult;

/** A validated job, ready to run on a worker thread. */
public interface PreparedJob {

    /** @return the model the job runs on (resolved), never null */
    String modelId();

    /** @return whether that model has random weights */
    boolean randomWeights();

    /**
     * Runs the job. Called once, on a worker thread holding a GPU slot.
     *
     * @param context progress and audio sinks and the cancellation token, never null
     * @return what the job produced, never null
     * @throws io.q3tts.ports.model.CancelledException if cancelled
     * @throws io.q3tts.ports.model.Q3ttsException on failure
     */
    JobResult run(JobContext context);

    /**
     * An upper estimate of the sequence positions the job's synthesis holds (prompt plus generated
     * frames), which makes the job batchable with other jobs of its model; 0 if it is not batchable.
     *
     * @return the estimate, &gt;= 0
     */
    default long expectedPositions() {
        return 0;
    }
}
