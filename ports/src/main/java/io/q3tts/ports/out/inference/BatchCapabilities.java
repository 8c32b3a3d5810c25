package io.q3tts.ports.out.inference;

/**
 * How many sequences a loaded model can generate per step, and what each costs, so that the
 * scheduler can form batches that fit the memory budget.
 *
 * @param maxBatch the largest batch the loaded bundle accepts, &gt;= 1 (1 for bundles exported
 *     before batching)
 * @param continuous whether rows may join a running batch at a frame boundary
 *     ({@link BatchFeed#poll} is called between steps)
 * @param kvBytesPerPosition bytes of key/value cache one row holds per sequence position
 *     (layers x KV heads x head size x 2 x element size), &gt;= 0; 0 when unknown
 */
public record BatchCapabilities(int maxBatch, boolean continuous, long kvBytesPerPosition) {

    /** One sequence at a time, no joining: what every synthesizer supports. */
    public static final BatchCapabilities SINGLE = new BatchCapabilities(1, false, 0);

    /**
     * Validates the ranges.
     *
     * @throws IllegalArgumentException on a value out of range
     */
    public BatchCapabilities {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
        }
        if (kvBytesPerPosition < 0) {
            throw new IllegalArgumentException("kvBytesPerPosition must not be negative: " + kvBytesPerPosition);
        }
    }
}
