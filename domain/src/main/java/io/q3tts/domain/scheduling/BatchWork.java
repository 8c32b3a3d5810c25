package io.q3tts.domain.scheduling;

import io.q3tts.ports.model.CancellationToken;

/**
 * Work that may run as a row of a batch: like {@link Work}, but it synthesizes through the
 * {@link BatchSlot} it is given, so that the scheduler can put its synthesis in one engine call
 * with the other jobs of its batch.
 */
@FunctionalInterface
public interface BatchWork {

    /**
     * @param cancellation fires on cancel, timeout or shutdown; poll it and stop promptly
     * @param slot synthesizes this job's row (at most one row at a time), never null
     */
    void run(CancellationToken cancellation, BatchSlot slot);
}
