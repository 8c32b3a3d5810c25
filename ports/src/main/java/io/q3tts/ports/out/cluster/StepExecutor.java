package io.q3tts.ports.out.cluster;

import io.q3tts.ports.model.CancellationToken;

/**
 * The worker side of a {@link StepQueue}: runs one delivered step on this process's engine. The
 * domain implements it (the step goes through the local GPU policy); the adapter calls it from its
 * own threads, several at once.
 */
@FunctionalInterface
public interface StepExecutor {

    /**
     * Runs a step, blocking until it is done.
     *
     * @param step the step, never null
     * @param observer receives progress, never null
     * @param cancellation fires when the step was cancelled by its owner, or the worker drains past
     *     its grace period
     * @return the result, never null
     * @throws io.q3tts.ports.model.Q3ttsException for every failure, with a user-facing message;
     *     the adapter retries it on another delivery and, after the last one, reports it as the
     *     step's error
     */
    StepResult execute(Step step, StepObserver observer, CancellationToken cancellation);
}
