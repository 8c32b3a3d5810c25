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
 * @param maxBatch the most compatible GPU jobs (same model) that share one slot as rows of one batch,
 *     &gt;= 1 (1: no batching); the loaded model's own limit also applies
 * @param kvBudgetBytes the key/value-cache memory the rows of one batch may hold together, &gt; 0: a
 *     job joins a batch only if the batch's rows, at their expected lengths, stay within it (a lone
 *     job always runs, as it did before batching)
 */
public record SchedulerPolicy(
        int gpuSlots,
        int gpuQueueCapacity,
        int tokenizerSlots,
        int tokenizerQueueCapacity,
        Duration initialRunEstimate,
        Duration cancelGrace,
        Duration maxRunTime,
        int maxBatch,
        long kvBudgetBytes) {

    /** The default batch limit: 8 rows, which the 6 GB card's budget below still bounds. */
    public static final int DEFAULT_MAX_BATCH = 8;

    /**
     * The default KV budget, 1 GiB: on a 6 GB card this leaves room for the weights (a 1.7B model in
     * fp16 or int8, or the 0.6B in fp32), the codec and the activations. At the 0.6B/1.7B talker's
     * 224 KiB per position in fp32 that is about 4 700 positions: 8 rows of short requests, or 2 rows
     * at the full 2 048 generated frames.
     */
    public static final long DEFAULT_KV_BUDGET_BYTES = 1L << 30;

    /**
     * The policy without batching (each GPU job holds a slot alone).
     *
     * @param gpuSlots as in the canonical constructor
     * @param gpuQueueCapacity as in the canonical constructor
     * @param tokenizerSlots as in the canonical constructor
     * @param tokenizerQueueCapacity as in the canonical constructor
     * @param initialRunEstimate as in the canonical constructor
     * @param cancelGrace as in the canonical constructor
     * @param maxRunTime as in the canonical constructor
     */
    public SchedulerPolicy(int gpuSlots, int gpuQueueCapacity, int tokenizerSlots, int tokenizerQueueCapacity,
                           Duration initialRunEstimate, Duration cancelGrace, Duration maxRunTime) {
        this(gpuSlots, gpuQueueCapacity, tokenizerSlots, tokenizerQueueCapacity, initialRunEstimate, cancelGrace,
                maxRunTime, 1, DEFAULT_KV_BUDGET_BYTES);
    }

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
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
        }
        if (kvBudgetBytes < 1) {
            throw new IllegalArgumentException("kvBudgetBytes must be positive: " + kvBudgetBytes);
        }
    }

    /**
     * @return 1 GPU slot, 16 waiting, 2 tokenizer slots with 32 waiting, 30 s estimate, 30 s grace, 15 min
     *     limit, batches of up to {@value #DEFAULT_MAX_BATCH} rows within a 1 GiB KV budget
     */
    public static SchedulerPolicy defaults() {
        return new SchedulerPolicy(1, 16, 2, 32, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(15),
                DEFAULT_MAX_BATCH, DEFAULT_KV_BUDGET_BYTES);
    }

    /**
     * @param maxBatch rows per batch, &gt;= 1
     * @param kvBudgetBytes KV bytes per batch, &gt; 0
     * @return this policy with other batch limits
     */
    public SchedulerPolicy withBatching(int maxBatch, long kvBudgetBytes) {
        return new SchedulerPolicy(gpuSlots, gpuQueueCapacity, tokenizerSlots, tokenizerQueueCapacity, initialRunEstimate,
                cancelGrace, maxRunTime, maxBatch, kvBudgetBytes);
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
