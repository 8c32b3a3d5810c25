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

    /** Where a batched ticket's row is; a ticket that is not a row of a batch stays {@code PREPARING}. */
    enum Row { PREPARING, READY, IN_FLIGHT, POST }

    final long sequence;
    final Lane lane;
    final String label;
    final BatchWork work;
    final BatchHint hint;
    final TicketListener listener;
    final CancellationToken token = CancellationToken.create();
    final CompletableFuture<Void> released = new CompletableFuture<>();

    Phase phase = Phase.QUEUED;
    /** The slot holder this ticket runs in (a batch of one for work that is not batchable); set when started. */
    Batch batch;
    Row row = Row.PREPARING;
    boolean holdsSlot;
    boolean abandoned;
    Instant admittedAt;
    Instant startedAt;
    Instant cancelRequestedAt;
    volatile CancelReason cancelReason;

    Ticket(long sequence, Lane lane, String label, BatchHint hint, BatchWork work, TicketListener listener) {
        this.sequence = sequence;
        this.lane = lane;
        this.label = label;
        this.hint = hint;
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
