package io.q3tts.ports.in.job;

import java.time.Duration;
import java.util.Objects;

/**
 * The scheduler's load, for health endpoints and the UI.
 *
 * @param gpuSlots generation jobs that may run at once
 * @param gpuRunning generation jobs running now (abandoned workers not counted)
 * @param gpuQueued generation jobs waiting
 * @param gpuQueueCapacity the most generation jobs that may wait; one more is refused as OVERLOADED
 * @param tokenizerSlots tokenizer calls that may run at once; 0 when they share the GPU lane
 * @param tokenizerRunning tokenizer calls running now
 * @param tokenizerQueued tokenizer calls waiting
 * @param averageRun the running estimate of one generation job's duration, never null
 * @param abandonedWorkers workers that ignored cancellation and had their slot taken away, since start
 */
public record QueueStatus(
        int gpuSlots,
        int gpuRunning,
        int gpuQueued,
        int gpuQueueCapacity,
        int tokenizerSlots,
        int tokenizerRunning,
        int tokenizerQueued,
        Duration averageRun,
        long abandonedWorkers) {

    /** @throws NullPointerException if {@code averageRun} is null */
    public QueueStatus {
        Objects.requireNonNull(averageRun, "averageRun");
    }
}
