package io.q3tts.domain.scheduling;

import io.q3tts.ports.in.job.QueueStatus;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.UnavailableException;
import io.q3tts.ports.out.time.Clock;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The GPU policy: admits work into lanes with a fixed number of slots and a bounded FIFO wait
 * queue each, and runs admitted work on an executor.
 *
 * <ul>
 *   <li><b>Admission.</b> A submission starts at once if its lane has a free slot and nobody is
 *   waiting; otherwise it joins the back of the queue; if the queue is full it is refused with
 *   {@link OverloadedException} carrying a retry-after estimate: the expected time until the first
 *   running job ends (which frees a queue place), from a moving average of past run times, at least 1 s.</li>
 *   <li><b>Order.</b> Strict FIFO per lane; a freed slot goes to the head of the queue.</li>
 *   <li><b>Cancel.</b> A queued ticket is removed at once (its work never runs). A running ticket
 *   has its token cancelled; its slot is released when the work returns.</li>
 *   <li><b>Stuck workers.</b> A running ticket whose token was cancelled (by a caller, by
 *   {@link SchedulerPolicy#maxRunTime()}, or by shutdown) and whose work has not returned after
 *   {@link SchedulerPolicy#cancelGrace()} is <em>abandoned</em> by {@link #checkDeadlines()}: its
 *   slot is given to the next ticket and its listener is told. The worker thread cannot be killed
 *   and may still be using the device, so for a while more work runs than there are slots: the
 *   price of never letting one stuck native call block the queue forever.</li>
 *   <li><b>Time.</b> All decisions read the injected {@link Clock}; nothing here sleeps or starts
 *   timers. The composition root calls {@link #checkDeadlines()} periodically (every second).</li>
 * </ul>
 *
 * <p>Thread-safe. Listener callbacks and executor hand-offs happen outside the internal lock.
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
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(listener, "listener");
        Ticket ticket;
        boolean start;
        synchronized (lock) {
            if (shutdown) {
                throw new UnavailableException("The service is shutting down.");
            }
            LaneState ls = laneFor(lane);
            ticket = new Ticket(++sequence, lane, label, work, listener);
            ticket.admittedAt = clock.now();
            if (ls.running.size() < ls.slots && ls.queue.isEmpty()) {
                ls.startLocked(ticket, clock.now());
                start = true;
            } else if (ls.queue.size() >= ls.capacity) {
                Duration retryAfter = ls.retryAfterLocked(clock.now());
                throw new OverloadedException("The server is busy: " + ls.running.size() + " running and "
                        + ls.queue.size() + " waiting. Retry in about " + seconds(retryAfter) + " s.", retryAfter);
            } else {
                ls.queue.addLast(ticket);
                version++;
                start = false;
            }
        }
        if (start) {
            launch(List.of(ticket));
        }
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
                        ls.running.remove(t);
                        t.holdsSlot = false;
                        t.abandoned = true;
                        abandonedCount++;
                        version++;
                        LOG.log(Level.WARNING, "Work ''{0}'' ignored cancellation for {1}; its slot is released and the worker abandoned",
                                t.label, policy.cancelGrace());
                        notices.add(t.listener::abandoned);
                        notices.add(() -> t.released.complete(null));
                        ls.dispatchLocked(now, toStart);
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

    private void runWorker(Ticket ticket) {
        try {
            ticket.work.run(ticket.token);
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
        synchronized (lock) {
            ticket.phase = Ticket.Phase.FINISHED;
            if (ticket.holdsSlot) {
                LaneState ls = laneFor(ticket.lane);
                ticket.holdsSlot = false;
                ls.running.remove(ticket);
                Instant now = clock.now();
                ls.recordRun(Duration.between(ticket.startedAt, now));
                version++;
                ls.dispatchLocked(now, toStart);
                positionNoticesLocked(ls, notices);
                notices.add(() -> ticket.released.complete(null));
            } else if (ticket.abandoned) {
                LOG.log(Level.INFO, "Abandoned work ''{0}'' has returned", ticket.label);
            }
        }
        notices.forEach(WorkScheduler::runQuietly);
        launch(toStart);
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
        Duration averageRun;

        LaneState(Lane lane, int slots, int capacity, Duration initialEstimate) {
            this.lane = lane;
            this.slots = slots;
            this.capacity = capacity;
            this.averageRun = initialEstimate;
        }

        void startLocked(Ticket t, Instant now) {
            t.phase = Ticket.Phase.RUNNING;
            t.holdsSlot = true;
            t.startedAt = now;
            running.add(t);
        }

        void dispatchLocked(Instant now, List<Ticket> toStart) {
            while (running.size() < slots && !queue.isEmpty()) {
                Ticket next = queue.pollFirst();
                startLocked(next, now);
                toStart.add(next);
            }
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
