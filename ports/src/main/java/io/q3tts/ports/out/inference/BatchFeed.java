package io.q3tts.ports.out.inference;

import java.util.List;

/**
 * Source of rows that join a running batch at a frame boundary (continuous batching).
 *
 * <p>A synthesizer with {@link BatchCapabilities#continuous()} calls {@link #poll} between
 * generation steps whenever it has room; one without calls it only when the current batch is
 * done, to start the next one. Called on the synthesizing thread; must not block.
 */
@FunctionalInterface
public interface BatchFeed {

    /** A feed that never offers more rows. */
    BatchFeed NONE = freeRows -> List.of();

    /**
     * Takes up to {@code freeRows} waiting rows, removing them from the caller's queue.
     *
     * @param freeRows how many rows the batch can take now, &gt; 0
     * @return at most {@code freeRows} rows (possibly empty), never null; each returned row is owned
     *     by the synthesizer from then on and receives exactly one outcome
     */
    List<BatchItem> poll(int freeRows);
}
