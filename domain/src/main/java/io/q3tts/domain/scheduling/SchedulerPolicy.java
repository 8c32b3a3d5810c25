package io.q3tts.domain.scheduling;

import java.time.Duration;
import java.util.Objects;

/**
 * The GPU policy's numbers, built by the composition root from configuration.
 *
 * @param gpuSlots generation jobs that run at once, &gt;= 1 (default 1: one GPU-heavy generation at a time)
 * @param gpuQueueCapacity generation jobs that may wait, &gt;= 0; one more is refused with OVERLOADED
 * @param tokenizerSlots tokenizer calls that run at once on their own lane, &gt;= 0; 0 puts them in
 *     the GPU lane (one queue for everything)
 * @param tokenizerQueueCapacity tokenizer calls that may wait, &gt;= 0
 * @param initialRunEstimate the run time assumed before any job has finished (seeds the retry-after
 *     estimate), positive
 * @param cancelGrace how long a cancelled worker may keep its slot before the scheduler takes it back
 *     (the worker is abandoned), positive
 * @param maxRunTime a running job is cancelled after this long; {@link Duration#ZERO} means no limit
 */
public record SchedulerPolicy(
        int gpuSlots,
        int gpuQueueCapacity,
        int tokenizerSlots,
        int tokenizerQueueCapacity,
        Duration initialRunEstimate,
        Duration cancelGrace,
        Duration maxRunTime) {

    /** @throws IllegalArgumentException on an out-of-range value */
    public SchedulerPolicy {
        if (gpuSlots < 1) {
            throw new IllegalArgumentException("gpuSlots must be at least 1: " + gpuSlots);
        }
        if (gpuQueueCapacity < 0 || tokenizerSlots < 0 || tokenizerQueueCapacity < 0) {
            throw new IllegalArgumentException("capacities and tokenizerSlots must not be negative");
        }
        positive(initialRunEstimate, "initialRunEstimate");
        positive(cancelGrace, "cancelGrace");
        Objects.requireNonNull(maxRunTime, "maxRunTime");
        if (maxRunTime.isNegative()) {
            throw new IllegalArgumentException("maxRunTime must not be negative");
        }
    }

    /** @return 1 GPU slot, 16 waiting, 2 tokenizer slots with 32 waiting, 30 s estimate, 30 s grace, 15 min limit */
    public static SchedulerPolicy defaults() {
        return new SchedulerPolicy(1, 16, 2, 32, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(15));
    }

    /** @return whether tokenizer work has its own lane */
    public boolean separateTokenizerLane() {
        return tokenizerSlots > 0;
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
