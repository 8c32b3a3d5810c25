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
 * @param reservedPositionsPerRow positions every row holds whatever its length, &gt;= 0: the size of a
 *     fixed-size KV buffer (the static-KV talker used for CUDA graphs allocates it whole for each row);
 *     0 when a row's cache grows with its sequence
 */
public record BatchCapabilities(int maxBatch, boolean continuous, long kvBytesPerPosition, long reservedPositionsPerRow) {

    /** One sequence at a time, no joining: what every synthesizer supports. */
    public static final BatchCapabilities SINGLE = new BatchCapabilities(1, false, 0, 0);

    /**
     * Capabilities of a model whose rows' caches grow with their sequences (nothing reserved).
     *
     * @param maxBatch the largest batch, &gt;= 1
     * @param continuous whether rows may join a running batch
     * @param kvBytesPerPosition KV bytes per row and position, &gt;= 0
     */
    public BatchCapabilities(int maxBatch, boolean continuous, long kvBytesPerPosition) {
        this(maxBatch, continuous, kvBytesPerPosition, 0);
    }

    /**
     * @param expectedPositions the positions a row is expected to reach
     * @return the positions the row holds in memory: its expected length, or the reserved size if larger
     */
    public long positionsHeld(long expectedPositions) {
        return Math.max(expectedPositions, reservedPositionsPerRow);
    }

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
        if (reservedPositionsPerRow < 0) {
            throw new IllegalArgumentException("reservedPositionsPerRow must not be negative: " + reservedPositionsPerRow);
        }
    }
}
