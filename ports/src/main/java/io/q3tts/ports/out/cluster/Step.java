package io.q3tts.ports.out.cluster;

import io.q3tts.ports.model.Ids;
import java.util.Objects;

/**
 * One unit of GPU work for one model, the thing a {@link StepQueue} distributes.
 *
 * @param key identifies the step for idempotency: a step delivered twice (a worker died before it
 *     acknowledged) with the same key is done once; path-safe ({@link Ids#isSafe}), unique per step
 * @param modelId the model that must run it; only workers serving that model receive it
 * @param work what to do
 */
public record Step(String key, String modelId, StepWork work) {

    /** @throws IllegalArgumentException if the key or model id is not path-safe, or the work is missing */
    public Step {
        if (!Ids.isSafe(key)) {
            throw new IllegalArgumentException("step key must be path-safe: " + key);
        }
        if (!Ids.isSafe(modelId)) {
            throw new IllegalArgumentException("model id must be path-safe: " + modelId);
        }
        Objects.requireNonNull(work, "work");
    }
}
