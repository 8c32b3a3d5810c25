package io.q3tts.domain.scheduling;

import io.q3tts.ports.in.job.QueueStatus;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.UnavailableException;
import io.q3tts.ports.out.inference.BatchCapabilities;
import io.q3tts.ports.out.inference.BatchFeed;
import io.q3tts.ports.out.inference.BatchItem;
import io.q3tts.ports.out.inference.BatchOutcome;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.time.Clock;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The GPU policy: admits work into lanes with a fixed number of slots and a bounded FIFO wait
 * queue each, runs admitted work on an executor, and lets compatible GPU jobs share a slot as the
 * rows of one batch.
 *
 * <ul>
 *   <li><b>Admission.</b> A submission starts at once if its lane has a free slot and nobody is
 *   waiting (or, batchable, if a running batch of its model can take it, see below); otherwise it
 *   joins the back of the queue; if the queue is full it is refused with
 *   {@link OverloadedException} carrying a retry-after estimate: the expected time until the first
 *   running job ends (which frees a queue place), from a moving average of past run times, at least 1 s.</li>
 *   <li><b>Order.</b> Strict FIFO per lane for the slots: a freed slot goes to the head of the queue.</li>
 *   <li><b>Batches.</b> What holds a slot is a {@link Batch}: one job, or several batchable jobs
 *   ({@link BatchHint}) with the same key (model). When the head of the queue starts, the queued
 *   jobs of its key join it, in queue order, while the batch has fewer active rows than the row
 *   limit (the smaller of {@link SchedulerPolicy#maxBatch()} and the model's
 *   {@link BatchCapabilities#maxBatch()}) and their expected positions times the model's
 *   {@link BatchCapabilities#kvBytesPerPosition()} stay within {@link SchedulerPolicy#kvBudgetBytes()}
 *   (a row counts at least the model's {@link BatchCapabilities#reservedPositionsPerRow()}: a fixed-size
 *   KV buffer is held whole however short the row);
 *   the first job that does not fit stops the scan (a big job is not overtaken forever by small ones).
 *   A lone job always runs, whatever its size. Until a model's capabilities are known (its first row),
 *   its batch starts with one job and fills up as soon as that row reports them. Each job runs its own
 *   work on its own thread; its synthesis goes through its {@link BatchSlot}, which hands the row to the
 *   batch. Once every member has either handed in a row or returned, a driver thread passes the rows
 *   to {@link SpeechSynthesizer#synthesizeBatch} in one call; each row's outcome goes back to its job,
 *   which then stores its output on its own thread. With a {@linkplain BatchCapabilities#continuous()
 *   continuous} model, the engine's {@link BatchFeed} lets jobs join between frames: each poll admits
 *   queued jobs of the same key from the head of the queue (stopping at the first other key, so a
 *   job of another model waits at most for the running batch to drain) and hands over the rows that
 *   are ready; otherwise late jobs form the next batch. The slot is freed when every member has
 *   returned: one GPU-heavy batch per slot at a time.</li>
 *   <li><b>Cancel.</b> A queued ticket is removed at once (its work never runs). A running ticket
 *   has its token cancelled: a row not yet handed to the engine is withdrawn at once, a row in the
 *   engine ends alone (the engine polls each row's token); its batch goes on.</li>
 *   <li><b>Stuck workers.</b> A running ticket whose token was cancelled (by a caller, by
 *   {@link SchedulerPolicy#maxRunTime()}, or by shutdown) and whose work has not returned after
 *   {@link SchedulerPolicy#cancelGrace()} is <em>abandoned</em> by {@link #checkDeadlines()}: it
 *   leaves its batch, the slot is given to the next ticket once the batch has no members left, and
 *   its listener is told. The worker thread cannot be killed and may still be using the device, so
 *   for a while more work runs than there are slots: the price of never letting one stuck native
 *   call block the queue forever.</li>
 *   <li><b>Time.</b> All decisions read the injected {@link Clock}; nothing here sleeps or starts
 *   timers. The composition root calls {@link #checkDeadlines()} periodically (every second).</li>
 * </ul>
 *
 * <p>Thread-safe. One lock guards all lanes, batches and tickets; listener callbacks, executor
 * hand-offs and every call into a synthesizer happen outside it. Threads: each job's work runs on
 * its own executor task; each batch has at most one driver task at a time (inside the engine call);
 * the engine calls {@link BatchFeed#poll} and each row's {@code onDone} on the driver thread, and
 * both only take the lock briefly.
 */
public final class WorkScheduler {

    private static final System.Logger LOG = System.getLogger(WorkScheduler.class.getName());
    private static final double AVERAGE_WEIGHT = 0.3;

    private final SchedulerPolicy policy;
    private final Clock clock;
    private final Executor executor;
    private final Object lock = new Object();
    private final LaneState gpu;
    private final LaneState tokenizer;
    private long sequence;
    private long version;
    private long abandonedCount;
    private boolean shutdown;
    /** The batching capabilities last reported by each key's synthesizer. */
    private final Map<String, BatchCapabilities> learned = new HashMap<>();

    /**
     * @param policy slots, capacities and time limits, never null
     * @param clock the time source for estimates and deadlines, never null
     * @param executor runs admitted work; must not run it on the calling thread while the caller
     *     waits for it (a virtual-thread-per-task executor is ideal), never null
     */
    public WorkScheduler(SchedulerPolicy policy, Clock clock, Executor executor) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.gpu = new LaneState(Lane.GPU, policy.gpuSlots(), policy.gpuQueueCapacity(), policy.initialRunEstimate());
        this.tokenizer = policy.separateTokenizerLane()
                ? new LaneState(Lane.TOKENIZER, policy.tokenizerSlots(), policy.tokenizerQueueCapacity(), policy.initialRunEstimate())
                : gpu;
    }

    /** @return the policy this scheduler enforces */
    public SchedulerPolicy policy() {
        return policy;
    }

    /**
     * Admits work.
     *
     * @param lane the lane, never null
     * @param label a short description for logs, never null
     * @param work the work, never null
     * @param listener hears queue moves, removal and abandonment; never null
     * @return the ticket, already running or queued
     * @throws OverloadedException if the lane's queue is full
     * @throws UnavailableException after {@link #shutdown()}
     */
    public Ticket submit(Lane lane, String label, Work work, TicketListener listener) {
        Objects.requireNonNull(work, "work");
        return admit(lane, label, null, (token, slot) -> work.run(token), listener);
    }

    /**
     * Admits batchable work: it may share a slot with other work of the same {@link BatchHint#key()}
     * and synthesize as one row of their batch (see the class comment).
     *
     * @param lane the lane, never null
     * @param label a short description for logs, never null
     * @param hint the batch key and the row's expected length, never null
     * @param work the work; it synthesizes through the slot it is given, never null
     * @param listener hears queue moves, removal and abandonment; never null
     * @return the ticket, already running or queued
     * @throws OverloadedException if the lane's queue is full
     * @throws UnavailableException after {@link #shutdown()}
     */
    public Ticket submit(Lane lane, String label, BatchHint hint, BatchWork work, TicketListener listener) {
        Objects.requireNonNull(hint, "hint");
        return admit(lane, label, hint, work, listener);
    }

    private Ticket admit(Lane lane, String label, BatchHint hint, BatchWork work, TicketListener listener) {
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(listener, "listener");
        Ticket ticket;
        List<Ticket> toStart = new ArrayList<>();
        synchronized (lock) {
            if (shutdown) {
                throw new UnavailableException("The service is shutting down.");
            }
            LaneState ls = laneFor(lane);
            ticket = new Ticket(++sequence, lane, label, hint, work, listener);
            Instant now = clock.now();
            ticket.admittedAt = now;
            Batch joinable = ls.queue.isEmpty() ? joinableLocked(ls, ticket) : null;
            if (joinable != null) {
                joinLocked(ls, joinable, ticket, now, toStart);
            } else if (ls.batches.size() < ls.slots && ls.queue.isEmpty()) {
                startBatchLocked(ls, ticket, now, toStart);
            } else if (ls.queue.size() >= ls.capacity) {
                Duration retryAfter = ls.retryAfterLocked(now);
                throw new OverloadedException("The server is busy: " + ls.running.size() + " running and "
                        + ls.queue.size() + " waiting. Retry in about " + seconds(retryAfter) + " s.", retryAfter);
            } else {
                ls.queue.addLast(ticket);
                version++;
            }
        }
        launch(toStart);
        return ticket;
    }

    /**
     * @param ticket a ticket of this scheduler
     * @return its current place in the queue (0 if it is not waiting) and the queue version
     */
    public QueuePosition position(Ticket ticket) {
        synchronized (lock) {
            if (ticket.phase != Ticket.Phase.QUEUED) {
                return new QueuePosition(0, version);
            }
            int i = 1;
            for (Ticket t : laneFor(ticket.lane).queue) {
                if (t == ticket) {
                    return new QueuePosition(i, version);
                }
                i++;
            }
            return new QueuePosition(0, version);
        }
    }

    /**
     * Cancels a ticket: removes it from the queue, or signals its running work.
     *
     * @param ticket a ticket of this scheduler, never null
     * @param reason why, never null
     * @return true if the ticket was waiting or running (false if it had finished)
     */
    public boolean cancel(Ticket ticket, CancelReason reason) {
        Objects.requireNonNull(reason, "reason");
        List<Runnable> notices = new ArrayList<>();
        boolean signal = false;
        synchronized (lock) {
            switch (ticket.phase) {
                case QUEUED -> {
                    LaneState ls = laneFor(ticket.lane);
                    ls.queue.remove(ticket);
                    ticket.phase = Ticket.Phase.FINISHED;
                    ticket.cancelReason = reason;
                    version++;
                    notices.add(() -> ticket.listener.cancelledWhileQueued(reason));
                    notices.add(() -> ticket.released.complete(null));
                    positionNoticesLocked(ls, notices);
                }
                case RUNNING -> {
                    if (ticket.cancelRequestedAt == null) {
                        ticket.cancelRequestedAt = clock.now();
                        ticket.cancelReason = reason;
                        signal = true;
                    }
                }
                case FINISHED -> {
                    return false;
                }
            }
        }
        if (signal) {
            ticket.token.cancel();
        }
        notices.forEach(WorkScheduler::runQuietly);
        return true;
    }

    /**
     * Enforces the time limits: cancels running tickets past {@link SchedulerPolicy#maxRunTime()}
     * and abandons cancelled ones past {@link SchedulerPolicy#cancelGrace()}. Call it periodically.
     */
    public void checkDeadlines() {
        Instant now = clock.now();
        List<Ticket> toCancel = new ArrayList<>();
        List<Ticket> toStart = new ArrayList<>();
        List<Batch> drivers = new ArrayList<>();
        List<Runnable> notices = new ArrayList<>();
        synchronized (lock) {
            for (LaneState ls : lanes()) {
                for (Ticket t : List.copyOf(ls.running)) {
                    if (t.cancelRequestedAt == null) {
                        if (!policy.maxRunTime().isZero() && !now.isBefore(t.startedAt.plus(policy.maxRunTime()))) {
                            t.cancelRequestedAt = now;
                            t.cancelReason = CancelReason.TIMEOUT;
                            toCancel.add(t);
                        }
                    } else if (!now.isBefore(t.cancelRequestedAt.plus(policy.cancelGrace()))) {
                        t.abandoned = true;
                        abandonedCount++;
                        LOG.log(Level.WARNING, "Work ''{0}'' ignored cancellation for {1}; its slot is released and the worker abandoned",
                                t.label, policy.cancelGrace());
                        notices.add(t.listener::abandoned);
                        notices.add(() -> t.released.complete(null));
                        if (leaveLocked(ls, t, now, toStart)) {
                            drivers.add(t.batch);
                        }
                        positionNoticesLocked(ls, notices);
                    }
                }
            }
        }
        for (Ticket t : toCancel) {
            LOG.log(Level.WARNING, "Work ''{0}'' exceeded the run-time limit of {1}; cancelling it", t.label, policy.maxRunTime());
            t.token.cancel();
        }
        notices.forEach(WorkScheduler::runQuietly);
        launch(toStart);
        drivers.forEach(this::launchDriver);
    }

    /**
     * Runs a function in a lane and waits for it: the blocking form of {@link #submit}, used for
     * short calls such as tokenizer requests.
     *
     * @param lane the lane
     * @param label for logs
     * @param call the function; receives the ticket's token
     * @param cancellation the caller's token; firing it cancels the ticket
     * @param <T> the result type
     * @return what {@code call} returned
     * @throws OverloadedException if the lane's queue is full
     * @throws CancelledException if cancelled (by the caller, timeout, shutdown) before a result
     * @throws RuntimeException whatever {@code call} threw
     */
    public <T> T call(Lane lane, String label, Function<CancellationToken, T> call, CancellationToken cancellation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Ticket ticket = submit(lane, label, token -> {
            try {
                result.complete(call.apply(token));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, new TicketListener() {
            @Override
            public void cancelledWhileQueued(CancelReason reason) {
                result.completeExceptionally(new CancelledException());
            }

            @Override
            public void abandoned() {
                result.completeExceptionally(new CancelledException("The operation did not stop in time and was abandoned."));
            }
        });
        try (CancellationToken.Registration _ = cancellation.onCancel(() -> cancel(ticket, CancelReason.USER))) {
            return result.get();
        } catch (InterruptedException e) {
            cancel(ticket, CancelReason.USER);
            Thread.currentThread().interrupt();
            throw new CancelledException("The operation was interrupted.");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /**
     * Refuses new work, removes every queued ticket and cancels every running one. Running work is
     * not waited for.
     */
    public void shutdown() {
        List<Ticket> queued = new ArrayList<>();
        List<Ticket> running = new ArrayList<>();
        synchronized (lock) {
            shutdown = true;
            for (LaneState ls : lanes()) {
                queued.addAll(ls.queue);
                running.addAll(ls.running);
            }
        }
        queued.forEach(t -> cancel(t, CancelReason.SHUTDOWN));
        running.forEach(t -> cancel(t, CancelReason.SHUTDOWN));
    }

    /** @return the current load */
    public QueueStatus status() {
        synchronized (lock) {
            boolean separate = tokenizer != gpu;
            return new QueueStatus(gpu.slots, gpu.running.size(), gpu.queue.size(), gpu.capacity,
                    separate ? tokenizer.slots : 0,
                    separate ? tokenizer.running.size() : 0,
                    separate ? tokenizer.queue.size() : 0,
                    gpu.averageRun, abandonedCount);
        }
    }

    /**
     * @param key a batch key (a model id)
     * @return how many jobs of that key run together at most now: the policy's batch limit and the
     *     model's, 1 until the model has reported its capabilities (its first row)
     */
    public int batchSize(String key) {
        synchronized (lock) {
            BatchCapabilities caps = learned.get(key);
            return caps == null ? 1 : Math.max(1, Math.min(policy.maxBatch(), caps.maxBatch()));
        }
    }

    /** @return where a ticket's row is (for tests) */
    Ticket.Row rowOf(Ticket ticket) {
        synchronized (lock) {
            return ticket.row;
        }
    }

    private void runWorker(Ticket ticket) {
        try {
            ticket.work.run(ticket.token, (synthesizer, request, listener, cancellation) ->
                    synthesizeRow(ticket, synthesizer, request, listener, cancellation));
        } catch (CancelledException e) {
            LOG.log(Level.DEBUG, "Work ''{0}'' stopped: cancelled", ticket.label);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "Work '" + ticket.label + "' failed outside its own error handling", e);
        } finally {
            release(ticket);
        }
    }

    private void release(Ticket ticket) {
        List<Ticket> toStart = new ArrayList<>();
        List<Runnable> notices = new ArrayList<>();
        Batch drive = null;
        synchronized (lock) {
            ticket.phase = Ticket.Phase.FINISHED;
            if (ticket.holdsSlot) {
                LaneState ls = laneFor(ticket.lane);
                Instant now = clock.now();
                ls.recordRun(Duration.between(ticket.startedAt, now));
                if (leaveLocked(ls, ticket, now, toStart)) {
                    drive = ticket.batch;
                }
                positionNoticesLocked(ls, notices);
                notices.add(() -> ticket.released.complete(null));
            } else if (ticket.abandoned) {
                LOG.log(Level.INFO, "Abandoned work ''{0}'' has returned", ticket.label);
            }
        }
        notices.forEach(WorkScheduler::runQuietly);
        launch(toStart);
        if (drive != null) {
            launchDriver(drive);
        }
    }

    /**
     * Takes a running ticket out of its batch (returned or abandoned). The last member out ends the
     * batch and frees its slot for the queue.
     *
     * @return whether the batch's remaining rows may now be driven (the leaver was the last one preparing)
     */
    private boolean leaveLocked(LaneState ls, Ticket t, Instant now, List<Ticket> toStart) {
        Batch b = t.batch;
        t.holdsSlot = false;
        ls.running.remove(t);
        b.members.remove(t);
        if (t.row == Ticket.Row.READY) {
            b.ready.removeIf(r -> r.ticket == t);
        }
        t.row = Ticket.Row.POST;
        version++;
        if (b.members.isEmpty()) {
            b.ended = true;
            ls.batches.remove(b);
            dispatchLocked(ls, now, toStart);
            return false;
        }
        return claimDriverLocked(b);
    }

    /** The slot's side of {@link BatchSlot#synthesize}: a row of the ticket's batch, or a direct call. */
    private SynthesisResult synthesizeRow(Ticket t, SpeechSynthesizer synthesizer, SynthesisRequest request,
                                          SynthesisListener listener, CancellationToken cancellation) {
        if (t.hint == null || policy.maxBatch() == 1) {
            return synthesizer.synthesize(request, listener, cancellation);
        }
        BatchCapabilities caps = synthesizer.batchCapabilities();
        Batch.PendingRow row = new Batch.PendingRow(t);
        List<Ticket> toStart = new ArrayList<>();
        List<Runnable> notices = new ArrayList<>();
        boolean direct;
        boolean drive = false;
        synchronized (lock) {
            Batch b = t.batch;
            learned.put(b.key, caps);
            direct = caps.maxBatch() == 1 || b.ended || b.synthesizer != null && b.synthesizer != synthesizer
                    || t.row == Ticket.Row.READY || t.row == Ticket.Row.IN_FLIGHT;
            if (direct) {
                t.row = Ticket.Row.IN_FLIGHT;
            } else {
                if (b.synthesizer == null) {
                    b.synthesizer = synthesizer;
                    b.capabilities = caps;
                }
                row.item = new BatchItem(request, listener, cancellation, outcome -> rowDone(row, outcome));
                t.row = Ticket.Row.READY;
                b.ready.addLast(row);
                LaneState ls = laneFor(t.lane);
                if (!b.started && fillLocked(ls, b, true, clock.now(), toStart)) {
                    positionNoticesLocked(ls, notices);
                }
                drive = claimDriverLocked(b);
            }
        }
        if (direct) {
            try {
                return synthesizer.synthesize(request, listener, cancellation);
            } finally {
                synchronized (lock) {
                    t.row = Ticket.Row.POST;
                }
            }
        }
        notices.forEach(WorkScheduler::runQuietly);
        launch(toStart);
        if (drive) {
            launchDriver(t.batch);
        }
        BatchOutcome outcome;
        try (CancellationToken.Registration _ = cancellation.onCancel(() -> withdraw(row))) {
            outcome = row.outcome.get();
        } catch (InterruptedException e) {
            withdraw(row);
            Thread.currentThread().interrupt();
            throw new CancelledException("Interrupted while waiting for the batch.");
        } catch (ExecutionException e) {
            throw new IllegalStateException("a row's outcome never completes exceptionally", e);
        }
        return switch (outcome) {
            case BatchOutcome.Done d -> d.result();
            case BatchOutcome.Failed f -> throw f.error();
        };
    }

    private void rowDone(Batch.PendingRow row, BatchOutcome outcome) {
        synchronized (lock) {
            if (row.ticket.row != Ticket.Row.PREPARING) {
                row.ticket.row = Ticket.Row.POST;
            }
        }
        row.outcome.complete(outcome);
    }

    /** A cancelled row that is still waiting for the engine leaves at once; one in the engine ends there. */
    private void withdraw(Batch.PendingRow row) {
        boolean removed;
        synchronized (lock) {
            removed = row.ticket.batch.ready.remove(row);
            if (removed) {
                row.ticket.row = Ticket.Row.POST;
            }
        }
        if (removed) {
            row.outcome.complete(new BatchOutcome.Failed(new CancelledException("The job was cancelled.")));
        }
    }

    /** @return whether the caller must start a driver: rows wait, none is driving, and no member is still preparing its row */
    private boolean claimDriverLocked(Batch b) {
        if (!b.driving && !b.ended && !b.ready.isEmpty() && !b.anyPreparing()) {
            b.driving = true;
            return true;
        }
        return false;
    }

    private void launchDriver(Batch b) {
        try {
            executor.execute(() -> drive(b));
        } catch (RejectedExecutionException e) {
            List<Batch.PendingRow> orphans;
            synchronized (lock) {
                b.driving = false;
                orphans = takeReadyLocked(b, Integer.MAX_VALUE);
            }
            orphans.forEach(r -> rowDone(r, new BatchOutcome.Failed(new UnavailableException("The service is shutting down."))));
        }
    }

    /** The driver: hands the ready rows to the engine, one call after another, until none is ready. */
    private void drive(Batch b) {
        while (true) {
            List<Batch.PendingRow> rows;
            synchronized (lock) {
                if (b.ended || b.ready.isEmpty() || b.anyPreparing()) {
                    b.driving = false;
                    return;
                }
                rows = takeReadyLocked(b, rowLimitLocked(b) - b.inFlight());
                b.started = true;
            }
            List<Batch.PendingRow> handed = new ArrayList<>(rows);
            BatchFeed feed = freeRows -> poll(b, freeRows, handed);
            try {
                b.synthesizer.synthesizeBatch(rows.stream().map(r -> r.item).toList(), feed);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "A batch of '" + b.key + "' failed outside its rows' own error handling", e);
            } finally {
                for (Batch.PendingRow r : handed) {
                    if (!r.outcome.isDone()) {
                        rowDone(r, new BatchOutcome.Failed(new ModelException("The batch ended without this row's result.")));
                    }
                }
            }
        }
    }

    /** The engine asks for rows between steps: admit queued jobs of the batch's key (continuous only), hand over ready rows. */
    private List<BatchItem> poll(Batch b, int freeRows, List<Batch.PendingRow> handed) {
        List<Ticket> toStart = new ArrayList<>();
        List<Runnable> notices = new ArrayList<>();
        List<Batch.PendingRow> taken;
        synchronized (lock) {
            if (b.ended) {
                return List.of();
            }
            LaneState ls = laneFor(b.lane);
            if (b.capabilities.continuous() && fillLocked(ls, b, false, clock.now(), toStart)) {
                positionNoticesLocked(ls, notices);
            }
            taken = takeReadyLocked(b, Math.min(freeRows, rowLimitLocked(b) - b.inFlight()));
        }
        notices.forEach(WorkScheduler::runQuietly);
        launch(toStart);
        handed.addAll(taken);
        return taken.stream().map(r -> r.item).toList();
    }

    private static List<Batch.PendingRow> takeReadyLocked(Batch b, int room) {
        List<Batch.PendingRow> out = new ArrayList<>();
        while (out.size() < room && !b.ready.isEmpty()) {
            Batch.PendingRow r = b.ready.pollFirst();
            r.ticket.row = Ticket.Row.IN_FLIGHT;
            out.add(r);
        }
        return out;
    }

    /** @return the most rows the batch may have: the policy's limit and the model's, 1 while the model is unknown */
    private int rowLimitLocked(Batch b) {
        BatchCapabilities caps = b.capabilities != null ? b.capabilities : learned.get(b.key);
        int engine = caps == null ? 1 : caps.maxBatch();
        return Math.max(1, Math.min(policy.maxBatch(), engine));
    }

    /** @return whether the ticket may join the batch now (same key, room in rows and in the KV budget) */
    private boolean fitsLocked(Batch b, Ticket t) {
        if (!b.batchable() || b.ended || t.hint == null || !b.key.equals(t.hint.key()) || policy.maxBatch() == 1) {
            return false;
        }
        if (b.started && (b.capabilities == null || !b.capabilities.continuous())) {
            return false;
        }
        int active = b.activeRows();
        if (active >= rowLimitLocked(b)) {
            return false;
        }
        BatchCapabilities caps = b.capabilities != null ? b.capabilities : learned.get(b.key);
        long perPosition = caps == null ? 0 : caps.kvBytesPerPosition();
        if (perPosition > 0 && active > 0) {
            long positions = b.activePositions(caps) + caps.positionsHeld(t.hint.expectedPositions());
            return positions <= policy.kvBudgetBytes() / perPosition;
        }
        return true;
    }

    /** @return a running batch the new ticket may join directly (only asked when nobody is waiting) */
    private Batch joinableLocked(LaneState ls, Ticket t) {
        for (Batch b : ls.batches) {
            if (fitsLocked(b, t)) {
                return b;
            }
        }
        return null;
    }

    /**
     * Moves queued tickets of the batch's key into it, in queue order, while they fit.
     *
     * @param scanPast whether to look past tickets of other keys (forming a batch) or stop at the first
     *     one (joining a running batch, so that another model's job is not held back)
     * @return whether the queue changed
     */
    private boolean fillLocked(LaneState ls, Batch b, boolean scanPast, Instant now, List<Ticket> toStart) {
        boolean changed = false;
        for (Iterator<Ticket> it = ls.queue.iterator(); it.hasNext(); ) {
            Ticket t = it.next();
            boolean sameKey = t.hint != null && b.batchable() && b.key.equals(t.hint.key());
            if (!sameKey) {
                if (scanPast) {
                    continue;
                }
                break;
            }
            if (!fitsLocked(b, t)) {
                break;
            }
            it.remove();
            joinLocked(ls, b, t, now, toStart);
            changed = true;
        }
        return changed;
    }

    private void startBatchLocked(LaneState ls, Ticket head, Instant now, List<Ticket> toStart) {
        Batch b = new Batch(head.hint == null ? null : head.hint.key(), ls.lane);
        ls.batches.add(b);
        joinLocked(ls, b, head, now, toStart);
        if (b.batchable()) {
            fillLocked(ls, b, true, now, toStart);
        }
    }

    private void joinLocked(LaneState ls, Batch b, Ticket t, Instant now, List<Ticket> toStart) {
        t.phase = Ticket.Phase.RUNNING;
        t.holdsSlot = true;
        t.startedAt = now;
        t.batch = b;
        t.row = Ticket.Row.PREPARING;
        b.members.add(t);
        ls.running.add(t);
        toStart.add(t);
        version++;
    }

    private void launch(List<Ticket> tickets) {
        for (Ticket t : tickets) {
            try {
                executor.execute(() -> runWorker(t));
            } catch (RejectedExecutionException e) {
                LOG.log(Level.ERROR, "The executor refused work '" + t.label + "'", e);
                t.token.cancel();
                release(t);
            }
        }
    }

    /** Gives free slots to the head of the queue, each head starting a batch that its queued peers join. */
    private void dispatchLocked(LaneState ls, Instant now, List<Ticket> toStart) {
        while (ls.batches.size() < ls.slots && !ls.queue.isEmpty()) {
            startBatchLocked(ls, ls.queue.pollFirst(), now, toStart);
        }
    }

    private void positionNoticesLocked(LaneState ls, List<Runnable> notices) {
        long v = version;
        int i = 1;
        for (Ticket t : ls.queue) {
            QueuePosition p = new QueuePosition(i++, v);
            notices.add(() -> t.listener.queuePositionChanged(p));
        }
    }

    private LaneState laneFor(Lane lane) {
        return lane == Lane.TOKENIZER ? tokenizer : gpu;
    }

    private List<LaneState> lanes() {
        return tokenizer == gpu ? List.of(gpu) : List.of(gpu, tokenizer);
    }

    private static long seconds(Duration d) {
        return Math.max(1, d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0));
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A scheduler listener threw", e);
        }
    }

    /** One lane's slots, queue and run-time average. Guarded by the scheduler's lock. */
    private static final class LaneState {
        final Lane lane;
        final int slots;
        final int capacity;
        final Deque<Ticket> queue = new ArrayDeque<>();
        final Set<Ticket> running = new LinkedHashSet<>();
        final List<Batch> batches = new ArrayList<>();
        Duration averageRun;

        LaneState(Lane lane, int slots, int capacity, Duration initialEstimate) {
            this.lane = lane;
            this.slots = slots;
            this.capacity = capacity;
            this.averageRun = initialEstimate;
        }

        void recordRun(Duration run) {
            long avg = averageRun.toMillis();
            long updated = Math.round(avg * (1 - AVERAGE_WEIGHT) + run.toMillis() * AVERAGE_WEIGHT);
            averageRun = Duration.ofMillis(Math.max(1, updated));
        }

        Duration retryAfterLocked(Instant now) {
            Duration best = null;
            for (Ticket t : running) {
                Duration remaining = averageRun.minus(Duration.between(t.startedAt, now));
                if (best == null || remaining.compareTo(best) < 0) {
                    best = remaining;
                }
            }
            if (best == null) {
                best = averageRun;
            }
            Duration firstEnd = best.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : best;
            // Plus the work already waiting, spread over the slots: when many clients are refused at once,
            // "retry when the first job ends" sends them all back together into a queue that is full again.
            return firstEnd.plus(averageRun.multipliedBy(queue.size()).dividedBy(Math.max(1, slots)));
        }

        @Override
        public String toString() {
            return lane + " lane";
        }
    }
}
