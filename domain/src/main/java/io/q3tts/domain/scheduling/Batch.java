package io.q3tts.domain.scheduling;

import io.q3tts.ports.out.inference.BatchCapabilities;
import io.q3tts.ports.out.inference.BatchItem;
import io.q3tts.ports.out.inference.BatchOutcome;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What holds one slot of a lane: the tickets that run together in it. Work that is not batchable
 * is a batch of one. All fields are guarded by the scheduler's lock.
 */
final class Batch {

    /** One submitted row: the engine's item and where its outcome goes. */
    static final class PendingRow {
        final Ticket ticket;
        final CompletableFuture<BatchOutcome> outcome = new CompletableFuture<>();
        BatchItem item;

        PendingRow(Ticket ticket) {
            this.ticket = ticket;
        }
    }

    /** The batch key, or null for work that runs alone. */
    final String key;
    /** The lane whose slot it holds. */
    final Lane lane;
    /** Tickets running in this slot and not yet released. */
    final List<Ticket> members = new ArrayList<>();
    /** Rows submitted by members and not yet handed to the engine, oldest first. */
    final Deque<PendingRow> ready = new ArrayDeque<>();
    /** The synthesizer every row of this batch uses (the first row's), or null before the first row. */
    SpeechSynthesizer synthesizer;
    /** What that synthesizer can batch, or null before the first row. */
    BatchCapabilities capabilities;
    /** Whether a driver thread is inside (or about to enter) an engine call for this batch. */
    boolean driving;
    /** Whether the first engine call has started: from then on only a continuous engine takes new jobs. */
    boolean started;
    /** Whether the batch gave its slot back; set once, when its last member is released. */
    boolean ended;

    Batch(String key, Lane lane) {
        this.key = key;
        this.lane = lane;
    }

    boolean batchable() {
        return key != null;
    }

    /** @return members whose row still counts against the batch limits (not yet done with their row) */
    int activeRows() {
        int n = 0;
        for (Ticket t : members) {
            if (t.row != Ticket.Row.POST) {
                n++;
            }
        }
        return n;
    }

    int inFlight() {
        int n = 0;
        for (Ticket t : members) {
            if (t.row == Ticket.Row.IN_FLIGHT) {
                n++;
            }
        }
        return n;
    }

    boolean anyPreparing() {
        for (Ticket t : members) {
            if (t.row == Ticket.Row.PREPARING) {
                return true;
            }
        }
        return false;
    }

    /** @return the KV positions the active rows hold, each row at least the model's reserved size */
    long activePositions(BatchCapabilities caps) {
        long n = 0;
        for (Ticket t : members) {
            if (t.row != Ticket.Row.POST && t.hint != null) {
                n += caps.positionsHeld(t.hint.expectedPositions());
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "Batch[" + key + ", " + members.size() + " members]";
    }
}
