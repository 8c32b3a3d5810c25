package io.q3tts.domain.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.domain.testing.Await;
import io.q3tts.domain.testing.FakeClock;
import io.q3tts.domain.testing.Gate;
import io.q3tts.ports.in.job.QueueStatus;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.UnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkSchedulerTest {

    private final FakeClock clock = new FakeClock();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private WorkScheduler scheduler(int slots, int queue, int tokenizerSlots) {
        return new WorkScheduler(new SchedulerPolicy(slots, queue, tokenizerSlots, 4, Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofMinutes(5)), clock, executor);
    }

    /** Work that records its name, then waits at the gate (honouring cancellation or not). */
    private Work gated(String name, Gate gate, boolean honourCancel) {
        return token -> {
            ran.add(name);
            gate.pass(token, honourCancel);
        };
    }

    @Test
    void givenOneSlot_whenTwoSubmitted_thenTheSecondWaitsUntilTheFirstReturns() {
        WorkScheduler s = scheduler(1, 4, 0);
        Gate a = new Gate();
        Gate b = new Gate();
        Ticket ta = s.submit(Lane.GPU, "a", gated("a", a, true), TicketListener.NONE);
        Await.latch(a.entered);
        Ticket tb = s.submit(Lane.GPU, "b", gated("b", b, true), TicketListener.NONE);

        assertEquals(1, s.status().gpuRunning());
        assertEquals(1, s.status().gpuQueued());
        assertEquals(new QueuePosition(1, s.position(tb).version()), s.position(tb));
        assertEquals(List.of("a"), ran);

        a.open();
        Await.future(ta.released());
        Await.latch(b.entered);
        assertEquals(List.of("a", "b"), ran);
        assertEquals(0, s.position(tb).position());
        b.open();
        Await.future(tb.released());
        assertEquals(0, s.status().gpuRunning());
    }

    @Test
    void givenAQueue_whenSlotsFree_thenWorkStartsInSubmissionOrder() {
        WorkScheduler s = scheduler(1, 8, 0);
        Gate first = new Gate();
        s.submit(Lane.GPU, "first", gated("first", first, true), TicketListener.NONE);
        Await.latch(first.entered);
        List<Ticket> queued = new java.util.ArrayList<>();
        for (String name : List.of("q1", "q2", "q3", "q4")) {
            queued.add(s.submit(Lane.GPU, name, token -> ran.add(name), TicketListener.NONE));
        }
        for (int i = 0; i < queued.size(); i++) {
            assertEquals(i + 1, s.position(queued.get(i)).position());
        }
        first.open();
        queued.forEach(t -> Await.future(t.released()));
        assertEquals(List.of("first", "q1", "q2", "q3", "q4"), ran);
    }

    @Test
    void givenAFullQueue_whenSubmitting_thenOverloadedWithTheTimeUntilTheBacklogShouldHaveDrained() {
        WorkScheduler s = scheduler(1, 1, 0);
        Gate a = new Gate();
        s.submit(Lane.GPU, "a", gated("a", a, true), TicketListener.NONE);
        Await.latch(a.entered);
        s.submit(Lane.GPU, "b", token -> { }, TicketListener.NONE);
        clock.advance(Duration.ofSeconds(12));

        OverloadedException e = assertThrows(OverloadedException.class,
                () -> s.submit(Lane.GPU, "c", token -> ran.add("c"), TicketListener.NONE));
        assertEquals(Duration.ofSeconds(48), e.retryAfter().orElseThrow(),
                "30 s estimate minus 12 s elapsed, plus the one queued job's 30 s");
        assertEquals(48, e.retryAfterSeconds());
        assertEquals(1, s.status().gpuQueued(), "the refused work was not queued");

        clock.advance(Duration.ofSeconds(60));
        OverloadedException overdue = assertThrows(OverloadedException.class,
                () -> s.submit(Lane.GPU, "d", token -> { }, TicketListener.NONE));
        assertEquals(Duration.ofSeconds(31), overdue.retryAfter().orElseThrow(),
                "an overdue job gives the 1 s floor, plus the queued job");
        a.open();
    }

    @Test
    void givenFinishedRuns_whenEstimating_thenTheAverageMovesTowardsTheirDuration() {
        WorkScheduler s = scheduler(1, 4, 0);
        Gate a = new Gate();
        Ticket t = s.submit(Lane.GPU, "a", gated("a", a, true), TicketListener.NONE);
        Await.latch(a.entered);
        clock.advance(Duration.ofSeconds(10));
        a.open();
        Await.future(t.released());
        assertEquals(Duration.ofSeconds(24), s.status().averageRun(), "0.7 * 30 s + 0.3 * 10 s");
    }

    @Test
    void givenAQueuedTicket_whenCancelled_thenItIsRemovedAtOnceAndOthersMoveUp() {
        WorkScheduler s = scheduler(1, 4, 0);
        Gate a = new Gate();
        s.submit(Lane.GPU, "a", gated("a", a, true), TicketListener.NONE);
        Await.latch(a.entered);
        AtomicReference<CancelReason> removed = new AtomicReference<>();
        Ticket b = s.submit(Lane.GPU, "b", token -> ran.add("b"), new TicketListener() {
            @Override
            public void cancelledWhileQueued(CancelReason reason) {
                removed.set(reason);
            }
        });
        List<QueuePosition> moves = new CopyOnWriteArrayList<>();
        Ticket c = s.submit(Lane.GPU, "c", token -> ran.add("c"), new TicketListener() {
            @Override
            public void queuePositionChanged(QueuePosition position) {
                moves.add(position);
            }
        });
        assertEquals(2, s.position(c).position());

        assertTrue(s.cancel(b, CancelReason.USER));

        assertEquals(CancelReason.USER, removed.get());
        assertTrue(b.released().isDone());
        assertEquals(1, s.position(c).position());
        assertEquals(1, moves.size());
        assertEquals(1, moves.get(0).position());
        assertFalse(s.cancel(b, CancelReason.USER), "cancelling twice is a no-op");
        a.open();
        Await.future(c.released());
        assertEquals(List.of("a", "c"), ran, "b never ran");
    }

    @Test
    void givenARunningTicket_whenCancelled_thenItsTokenFiresAndTheSlotIsFreedWhenTheWorkReturns() {
        WorkScheduler s = scheduler(1, 4, 0);
        Gate a = new Gate();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Ticket ta = s.submit(Lane.GPU, "a", token -> {
            try {
                gated("a", a, true).run(token);
            } catch (CancelledException e) {
                thrown.set(e);
                throw e;
            }
        }, TicketListener.NONE);
        Await.latch(a.entered);
        Gate b = new Gate();
        Ticket tb = s.submit(Lane.GPU, "b", gated("b", b, true), TicketListener.NONE);

        assertTrue(s.cancel(ta, CancelReason.USER));

        Await.future(ta.released());
        Await.latch(b.entered);
        assertTrue(ta.cancellation().isCancelled());
        assertEquals(CancelReason.USER, ta.cancelReason());
        assertTrue(thrown.get() instanceof CancelledException);
        b.open();
        Await.future(tb.released());
    }

    @Test
    void givenACancelledWorkerThatIgnoresIt_whenTheGracePeriodPasses_thenItIsAbandonedAndTheQueueMovesOn() {
        WorkScheduler s = scheduler(1, 4, 0);
        Gate stuck = new Gate();
        AtomicReference<Boolean> abandoned = new AtomicReference<>(false);
        Ticket ta = s.submit(Lane.GPU, "stuck", gated("stuck", stuck, false), new TicketListener() {
            @Override
            public void abandoned() {
                abandoned.set(true);
            }
        });
        Await.latch(stuck.entered);
        Gate b = new Gate();
        Ticket tb = s.submit(Lane.GPU, "b", gated("b", b, true), TicketListener.NONE);
        s.cancel(ta, CancelReason.USER);

        clock.advance(Duration.ofSeconds(9));
        s.checkDeadlines();
        assertEquals(1, s.status().gpuQueued(), "still within the 10 s grace");
        assertFalse(ta.released().isDone());

        clock.advance(Duration.ofSeconds(1));
        s.checkDeadlines();
        assertTrue(abandoned.get());
        assertTrue(ta.released().isDone());
        Await.latch(b.entered);
        QueueStatus status = s.status();
        assertEquals(1, status.gpuRunning(), "the abandoned worker no longer counts");
        assertEquals(1, status.abandonedWorkers());

        stuck.open();
        b.open();
        Await.future(tb.released());
        assertEquals(0, s.status().gpuRunning(), "the late return of the abandoned worker frees nothing twice");
    }

    @Test
    void givenAJobPastTheRunTimeLimit_whenDeadlinesAreChecked_thenItIsCancelledAsATimeout() {
        WorkScheduler s = scheduler(1, 4, 0);
        Gate a = new Gate();
        Ticket ta = s.submit(Lane.GPU, "a", gated("a", a, true), TicketListener.NONE);
        Await.latch(a.entered);
        clock.advance(Duration.ofMinutes(4));
        s.checkDeadlines();
        assertFalse(ta.cancellation().isCancelled());
        clock.advance(Duration.ofMinutes(1));
        s.checkDeadlines();
        assertTrue(ta.cancellation().isCancelled());
        assertEquals(CancelReason.TIMEOUT, ta.cancelReason());
        Await.future(ta.released());
    }

    @Test
    void givenATokenizerLane_whenGpuWorkRuns_thenTokenizerWorkRunsBesideItUpToItsOwnLimit() {
        WorkScheduler s = scheduler(1, 4, 2);
        Gate gpu = new Gate();
        s.submit(Lane.GPU, "gpu", gated("gpu", gpu, true), TicketListener.NONE);
        Await.latch(gpu.entered);
        Gate t1 = new Gate();
        Gate t2 = new Gate();
        s.submit(Lane.TOKENIZER, "t1", gated("t1", t1, true), TicketListener.NONE);
        s.submit(Lane.TOKENIZER, "t2", gated("t2", t2, true), TicketListener.NONE);
        Await.latch(t1.entered);
        Await.latch(t2.entered);
        Ticket t3 = s.submit(Lane.TOKENIZER, "t3", token -> ran.add("t3"), TicketListener.NONE);

        QueueStatus st = s.status();
        assertEquals(1, st.gpuRunning());
        assertEquals(2, st.tokenizerRunning());
        assertEquals(1, st.tokenizerQueued());
        assertEquals(1, s.position(t3).position());

        t1.open();
        Await.future(t3.released());
        assertTrue(ran.contains("t3"));
        gpu.open();
        t2.open();
    }

    @Test
    void givenNoTokenizerLane_whenTokenizerWorkIsSubmitted_thenItQueuesBehindGpuWork() {
        WorkScheduler s = scheduler(1, 4, 0);
        Gate gpu = new Gate();
        s.submit(Lane.GPU, "gpu", gated("gpu", gpu, true), TicketListener.NONE);
        Await.latch(gpu.entered);
        Ticket t = s.submit(Lane.TOKENIZER, "tok", token -> ran.add("tok"), TicketListener.NONE);
        assertEquals(1, s.status().gpuQueued());
        assertEquals(0, s.status().tokenizerSlots());
        gpu.open();
        Await.future(t.released());
        assertEquals(List.of("gpu", "tok"), ran);
    }

    @Test
    void givenCall_whenTheFunctionReturnsOrThrows_thenTheCallerGetsTheSameResult() {
        WorkScheduler s = scheduler(1, 4, 2);
        assertEquals("42", s.call(Lane.TOKENIZER, "x", token -> "42", CancellationToken.none()));
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        assertSame(boom, assertThrows(IllegalArgumentException.class,
                () -> s.call(Lane.TOKENIZER, "y", token -> { throw boom; }, CancellationToken.none())));
    }

    @Test
    void givenCallQueued_whenTheCallerCancels_thenItIsRemovedAndTheCallerGetsCancelled() throws Exception {
        WorkScheduler s = scheduler(1, 4, 0);
        Gate gpu = new Gate();
        s.submit(Lane.GPU, "gpu", gated("gpu", gpu, true), TicketListener.NONE);
        Await.latch(gpu.entered);
        CancellationToken caller = CancellationToken.create();
        var result = executor.submit(() -> s.call(Lane.TOKENIZER, "tok", token -> "ran", caller));
        Await.until(() -> s.status().gpuQueued() == 1);
        caller.cancel();
        var e = assertThrows(java.util.concurrent.ExecutionException.class, result::get);
        assertTrue(e.getCause() instanceof CancelledException);
        assertEquals(0, s.status().gpuQueued());
        gpu.open();
    }

    @Test
    void givenShutdown_whenSubmitting_thenUnavailableAndQueuedWorkIsCancelled() {
        WorkScheduler s = scheduler(1, 4, 0);
        Gate a = new Gate();
        Ticket ta = s.submit(Lane.GPU, "a", gated("a", a, true), TicketListener.NONE);
        Await.latch(a.entered);
        AtomicReference<CancelReason> reason = new AtomicReference<>();
        s.submit(Lane.GPU, "b", token -> ran.add("b"), new TicketListener() {
            @Override
            public void cancelledWhileQueued(CancelReason r) {
                reason.set(r);
            }
        });
        s.shutdown();
        assertEquals(CancelReason.SHUTDOWN, reason.get());
        assertTrue(ta.cancellation().isCancelled());
        assertThrows(UnavailableException.class, () -> s.submit(Lane.GPU, "c", token -> { }, TicketListener.NONE));
        Await.future(ta.released());
        assertEquals(List.of("a"), ran);
    }
}
