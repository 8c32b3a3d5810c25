package io.q3tts.domain.scheduling;

import io.q3tts.ports.model.CancellationToken;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A piece of work admitted by the {@link WorkScheduler}: waiting, running, or finished. Its fields
 * are guarded by the scheduler's lock; read them through the scheduler or the accessors here.
 */
public final class Ticket {

    enum Phase { QUEUED, RUNNING, FINISHED }

    final long sequence;
    final Lane lane;
    final String label;
    final Work work;
    final TicketListener listener;
    final CancellationToken token = CancellationToken.create();
    final CompletableFuture<Void> released = new CompletableFuture<>();

    Phase phase = Phase.QUEUED;
    boolean holdsSlot;
    boolean abandoned;
    Instant admittedAt;
    Instant startedAt;
    Instant cancelRequestedAt;
    volatile CancelReason cancelReason;

    Ticket(long sequence, Lane lane, String label, Work work, TicketListener listener) {
        this.sequence = sequence;
        this.lane = lane;
        this.label = label;
        this.work = work;
        this.listener = listener;
    }

    /** @return the lane the ticket was submitted to */
    public Lane lane() {
        return lane;
    }

    /** @return the label given at submission, for logs */
    public String label() {
        return label;
    }

    /** @return the token handed to the work */
    public CancellationToken cancellation() {
        return token;
    }

    /** @return why the token fired, or null if it has not */
    public CancelReason cancelReason() {
        return cancelReason;
    }

    /**
     * @return completes when the ticket no longer holds or waits for a slot: it was removed from
     *     the queue, its work returned, or it was abandoned
     */
    public CompletableFuture<Void> released() {
        return released.copy();
    }

    @Override
    public String toString() {
        return "Ticket[" + sequence + " " + lane + " " + label + "]";
    }
}
