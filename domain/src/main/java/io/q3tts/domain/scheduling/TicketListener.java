package io.q3tts.domain.scheduling;

/**
 * Hears what the scheduler does to a waiting or abandoned ticket. Called after the scheduler's
 * lock is released, on whichever thread caused the change; updates for one ticket can arrive out
 * of order (see {@link QueuePosition#version()}). Must be quick and must not throw.
 *
 * <p>It is not told when the work starts or ends: the work itself runs on the worker thread and
 * knows that.
 */
public interface TicketListener {

    /** A listener that ignores everything. */
    TicketListener NONE = new TicketListener() { };

    /** @param position the ticket's new place in the queue */
    default void queuePositionChanged(QueuePosition position) {
    }

    /**
     * The ticket was removed from the queue before it started; its work will never run.
     *
     * @param reason who removed it
     */
    default void cancelledWhileQueued(CancelReason reason) {
    }

    /**
     * The ticket's work ignored its cancellation for longer than the grace period: the scheduler
     * took its slot back. The work may still be running and return later.
     */
    default void abandoned() {
    }
}
