package io.q3tts.ports.out.cluster;

import io.q3tts.ports.model.CancellationToken;
import java.time.Duration;
import java.util.Set;

/**
 * Driven port: a durable work queue for GPU steps shared by one or more accepting processes
 * ({@code q3tts serve}) and any number of workers ({@code q3tts worker}).
 *
 * <p>Guarantees an implementation gives:
 * <ul>
 *   <li><b>Per-model routing.</b> A step reaches only workers that called {@link #serve} with its
 *       model id.</li>
 *   <li><b>At least once, done once.</b> A step whose worker dies before the result is stored is
 *       delivered again (after the queue's acknowledgement timeout); a result stored under a step's
 *       key is never computed a second time, and {@link #run} returns exactly one result.</li>
 *   <li><b>Bounded retries.</b> A step whose executor fails on every one of the queue's allowed
 *       deliveries ends: {@link #run} throws the last delivery's error.</li>
 *   <li><b>Outages.</b> While the queue is unreachable, {@link #run} keeps waiting (its step and
 *       result are durable) instead of failing; only cancellation ends it early.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
public interface StepQueue extends AutoCloseable {

    /**
     * Enqueues a step and blocks until a worker's result for it is stored.
     *
     * @param step the step, never null
     * @param observer hears which worker runs it and how far it is, never null
     * @param cancellation firing it withdraws the step: a queued step is never run, a running one is
     *     told to stop, and this method throws {@code CancelledException}
     * @return the result
     * @throws io.q3tts.ports.model.Q3ttsException the step's error after its last delivery
     *     (same type, message and field as the worker's), or {@code CancelledException}
     */
    StepResult run(Step step, StepObserver observer, CancellationToken cancellation);

    /**
     * Starts pulling steps for some models and running them through {@code executor}.
     *
     * @param workerId this worker's id, shown with each result, path-safe
     * @param modelIds the models this worker serves, not empty
     * @param concurrency steps run at once, &gt;= 1 (the local GPU policy still decides what runs)
     * @param executor runs a step
     * @return the subscription; {@link Subscription#drain} stops it
     */
    Subscription serve(String workerId, Set<String> modelIds, int concurrency, StepExecutor executor);

    /** @return where the queue lives, for logs and the start-up line (no credentials) */
    String describe();

    /** Closes the connection; steps in {@link #run} end with {@code CancelledException}. Never throws. */
    @Override
    void close();

    /** A worker's pull loop. */
    interface Subscription {

        /**
         * Stops taking steps, lets running ones finish and store their results for at most
         * {@code grace}, then cancels the rest (they return to the queue for another worker).
         *
         * @param grace how long running steps may take to finish
         */
        void drain(Duration grace);
    }
}
