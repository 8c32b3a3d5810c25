package io.q3tts.domain.pipeline;

/**
 * How many pipelines run at once and how many may wait; how large a request may be.
 *
 * @param maxRunning pipelines running at once, &gt;= 1 (their steps still share the GPU one at a time)
 * @param queueCapacity pipelines that may wait, &gt;= 0; one more is refused with OVERLOADED
 * @param maxPayloadBytes the largest serialized request, &gt; 0
 */
public record PipelinePolicy(int maxRunning, int queueCapacity, int maxPayloadBytes) {

    /** @throws IllegalArgumentException on an out-of-range value */
    public PipelinePolicy {
        if (maxRunning < 1 || queueCapacity < 0 || maxPayloadBytes < 1) {
            throw new IllegalArgumentException("bad pipeline policy: " + maxRunning + ", " + queueCapacity + ", " + maxPayloadBytes);
        }
    }

    /** @return 2 running, 16 waiting, 16 MiB requests */
    public static PipelinePolicy defaults() {
        return new PipelinePolicy(2, 16, 16 << 20);
    }
}
