package io.q3tts.ports.in.pipeline;

import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.model.CancellationToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a running pipeline gets from the core. Used from the pipeline's worker thread only.
 *
 * <p><b>Checkpoints.</b> A step's result saved with {@link #saveCheckpoint} survives a crash or a
 * restart of the service; the resumed run reads it back with {@link #checkpoint} instead of
 * generating the step again. Keys are path-safe names chosen by the plugin (e.g. {@code "line-0007"}).
 * Checkpoints are deleted when the run's output is stored, or when the run is cancelled by a user.
 *
 * <p><b>Steps together.</b> Steps that do not depend on each other go through {@link #runSteps}, so
 * that their synthesis jobs wait in the GPU queue together and the scheduler can generate them as one
 * batch. Each step still checkpoints itself, and with a seed gives the same audio whatever it was
 * batched with, so a resumed run's output stays byte-identical.
 */
public interface PipelineContext {

    /** @return the pipeline job's id (stable across a resume), never null */
    JobId jobId();

    /** @return fires when the job is cancelled or the service shuts down; pass it to every step, never null */
    CancellationToken cancellation();

    /**
     * Reports progress: {@code done} of {@code total} steps finished, and what happens now.
     *
     * @param done finished steps, 0..total
     * @param total all steps, &gt;= 1
     * @param stage a short user-facing description (e.g. "line 8 of 40: NARRATOR"), never null
     */
    void progress(int done, int total, String stage);

    /**
     * A listener to pass to the synthesis call of the current step: its frame progress moves the
     * pipeline's fraction inside the step last reported with {@link #progress}.
     *
     * @return the listener, never null
     */
    JobListener stepListener();

    /**
     * @param key a path-safe key
     * @return the data saved under that key by this run (before a restart, too), or empty
     */
    Optional<byte[]> checkpoint(String key);

    /**
     * Durably saves a finished step's result (atomically: after a crash it is either whole or absent).
     *
     * @param key a path-safe key
     * @param data the bytes, never null
     */
    void saveCheckpoint(String key, byte[] data);

    /** @return how many checkpoints this run found from an earlier attempt when it started (0 for a fresh run) */
    int resumedCheckpoints();

    /**
     * Runs independent steps, several at once, and waits for all of them: each is typically one
     * checkpointed synthesis call, and steps submitted together can be batched on the GPU. How many run
     * at once is the core's choice (the model's batch size; 1 runs them one by one). Every step runs even
     * if another fails, so a resumed run finds all finished steps checkpointed; then the first failure,
     * in list order, is thrown. Call from the pipeline's worker thread; the steps run on other threads
     * and must only use this context's thread-safe methods ({@link #checkpoint}, {@link #saveCheckpoint},
     * {@link #cancellation}, {@link #stepListener}, {@link #progress}).
     *
     * <p>The default runs the steps one after another on the calling thread.
     *
     * @param steps the steps, never null
     * @param <T> a step's result
     * @return the results, in the order of {@code steps}
     * @throws RuntimeException the first failure of a step, in list order
     */
    default <T> List<T> runSteps(List<? extends Supplier<? extends T>> steps) {
        List<T> out = new ArrayList<>();
        for (Supplier<? extends T> step : steps) {
            cancellation().throwIfCancelled();
            out.add(step.get());
        }
        return out;
    }
}
