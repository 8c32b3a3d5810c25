package io.q3tts.domain.scheduling;

import io.q3tts.ports.model.CancellationToken;

/**
 * A unit of work the scheduler runs on its executor while the work holds a slot. The slot is
 * released when {@link #run} returns (normally or by throwing), or, if the token was cancelled and
 * the work does not return within the grace period, when the scheduler abandons it.
 */
@FunctionalInterface
public interface Work {

    /**
     * @param cancellation fires on cancel, timeout or shutdown; poll it and stop promptly
     */
    void run(CancellationToken cancellation);
}
