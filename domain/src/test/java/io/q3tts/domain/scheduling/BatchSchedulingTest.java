package io.q3tts.domain.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.domain.testing.Await;
import io.q3tts.domain.testing.FakeBatchSynthesizer;
import io.q3tts.domain.testing.FakeClock;
import io.q3tts.domain.testing.Gate;
import io.q3tts.ports.out.inference.BatchCapabilities;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.TaskType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The GPU lane's batching: formation, joining, per-row cancel and failure, limits, and a queue that never sticks. */
class BatchSchedulingTest {

    private final FakeClock clock = new FakeClock();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, String> results = new ConcurrentHashMap<>();
    private final List<Ticket> tickets = new ArrayList<>();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private WorkScheduler scheduler(int maxBatch, long kvBudget) {
        return new WorkScheduler(new SchedulerPolicy(1, 16, 0, 4, Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofMinutes(5), maxBatch, kvBudget), clock, executor);
    }

    private static SynthesisRequest request(String text) {
        return SynthesisRequest.builder(TaskType.CUSTOM_VOICE, text).speaker("ryan").build();
    }

    /** A batchable job of key {@code key} that speaks {@code text} through its slot and records how it ended. */
    private Ticket job(WorkScheduler s, FakeBatchSynthesizer engine, String key, String text, long positions) {
        Ticket t = s.submit(Lane.GPU, text, new BatchHint(key, positions), (token, slot) -> {
            if (text.startsWith("early-fail")) {
                results.put(text, "failed before its row");
                throw new IllegalStateException("no row");
            }
            try {
                slot.synthesize(engine, request(text), SynthesisListener.NONE, token);
                results.put(text, "done");
            } catch (RuntimeException e) {
                results.put(text, e.getClass().getSimpleName());
                throw e;
            }
        }, TicketListener.NONE);
        tickets.add(t);
        return t;
    }

    private Ticket job(WorkScheduler s, FakeBatchSynthesizer engine, String text) {
        return job(s, engine, "m", text, 10);
    }

    /** Holds the only slot until the returned gate opens. */
    private Gate blocker(WorkScheduler s) {
        Gate g = new Gate();
        s.submit(Lane.GPU, "blocker", token -> g.pass(token, true), TicketListener.NONE);
        Await.latch(g.entered);
        return g;
    }

    private void awaitAll() {
        tickets.forEach(t -> Await.future(t.released()));
    }

    private static List<List<String>> sorted(List<List<String>> calls) {
        return calls.stream().map(c -> c.stream().sorted().toList()).toList();
    }

    @Test
    void givenQueuedJobsOfOneModel_whenTheSlotFrees_thenTheyRunAsOneEngineCallAndAFailingRowEndsAlone() {
        WorkScheduler s = scheduler(8, 1L << 30);
        FakeBatchSynthesizer engine = new FakeBatchSynthesizer(new BatchCapabilities(8, false, 0));
        Gate blocker = blocker(s);
        for (String text : List.of("a", "boom", "c", "d")) {
            job(s, engine, text);
        }
        assertEquals(4, s.status().gpuQueued());

        blocker.open();
        awaitAll();

        assertEquals(List.of(List.of("a", "boom", "c", "d")), sorted(engine.calls),
                "the head started alone (the model's limits unknown), its row taught them, and the rest joined before the call");
        assertEquals(4, engine.widestStep);
        assertEquals(Map.of("a", "done", "boom", "ModelException", "c", "done", "d", "done"), results);
        assertEquals(List.of(), engine.singles);
        assertEquals(0, s.status().gpuRunning());
    }

    @Test
    void givenAContinuousEngine_whenAJobArrivesWhileABatchRuns_thenItJoinsAtTheNextStep() {
        WorkScheduler s = scheduler(8, 1L << 30);
        FakeBatchSynthesizer engine = new FakeBatchSynthesizer(new BatchCapabilities(8, true, 0));
        Gate step = new Gate();
        engine.stepGates.add(step);
        job(s, engine, "first");
        Await.latch(step.entered);

        Ticket late = job(s, engine, "late");
        Await.until(() -> s.rowOf(late) == Ticket.Row.READY);
        assertEquals(0, s.status().gpuQueued(), "it joined the running batch instead of waiting for the slot");
        step.open();
        awaitAll();

        assertEquals(List.of(List.of("first")), engine.calls, "one engine call");
        assertEquals(List.of("late"), engine.joined);
        assertEquals(2, engine.widestStep);
        assertEquals(Map.of("first", "done", "late", "done"), results);
    }

    @Test
    void givenANonContinuousEngine_whenAJobArrivesWhileABatchRuns_thenItFormsTheNextBatch() {
        WorkScheduler s = scheduler(8, 1L << 30);
        FakeBatchSynthesizer engine = new FakeBatchSynthesizer(new BatchCapabilities(8, false, 0));
        Gate step = new Gate();
        engine.stepGates.add(step);
        job(s, engine, "first");
        Await.latch(step.entered);

        Ticket late = job(s, engine, "late");
        assertEquals(1, s.status().gpuQueued(), "a started batch of a non-continuous engine takes nobody");
        assertEquals(1, s.position(late).position());
        step.open();
        awaitAll();

        assertEquals(List.of(List.of("first"), List.of("late")), engine.calls);
        assertEquals(List.of(), engine.joined);
    }

    @Test
    void givenARowInTheEngine_whenItsJobIsCancelled_thenOnlyThatRowEnds() {
        WorkScheduler s = scheduler(8, 1L << 30);
        FakeBatchSynthesizer engine = new FakeBatchSynthesizer(new BatchCapabilities(8, false, 0));
        Gate step = new Gate();
        engine.stepGates.add(step);
        Gate blocker = blocker(s);
        job(s, engine, "a");
        Ticket b = job(s, engine, "b");
        job(s, engine, "c");
        blocker.open();
        Await.latch(step.entered);

        assertTrue(s.cancel(b, CancelReason.USER));
        step.open();
        awaitAll();

        assertEquals(Map.of("a", "done", "b", "CancelledException", "c", "done"), results);
        assertEquals(1, engine.calls.size());
    }

    @Test
    void givenAWaitingRow_whenItsJobIsCancelled_thenItIsWithdrawnAtOnce() {
        WorkScheduler s = scheduler(8, 1L << 30);
        FakeBatchSynthesizer engine = new FakeBatchSynthesizer(new BatchCapabilities(8, false, 0));
        Gate blocker = blocker(s);
        job(s, engine, "a");
        Gate prepare = new Gate();
        // A member that is slow to hand in its row keeps the others' rows waiting (READY) before the engine call.
        Ticket slow = s.submit(Lane.GPU, "slow", new BatchHint("m", 10), (token, slot) -> {
            prepare.pass(token, false);
            slot.synthesize(engine, request("slow"), SynthesisListener.NONE, token);
        }, TicketListener.NONE);
        tickets.add(slow);
        Ticket b = job(s, engine, "b");
        blocker.open();
        Await.latch(prepare.entered);
        Await.until(() -> s.rowOf(b) == Ticket.Row.READY);

        assertTrue(s.cancel(b, CancelReason.USER));
        Await.future(b.released());
        assertEquals("CancelledException", results.get("b"), "withdrawn while the batch still waited for 'slow'");
        prepare.open();
        awaitAll();

        assertEquals(List.of(List.of("a", "slow")), sorted(engine.calls));
    }

    @Test
    void givenAKvBudget_whenForming_thenABatchHoldsOnlyTheRowsThatFit() {
        assertEquals(List.of(List.of("warm"), List.of("a", "b"), List.of("c")),
                batchesOfThreeWaitingRows(new BatchCapabilities(8, false, 1_000), 4),
                "two rows of 4 positions x 1000 bytes fit 10 000 bytes, a third would not");
    }

    @Test
    void givenAFixedSizeKvBuffer_whenForming_thenEachRowCountsTheWholeBuffer() {
        assertEquals(List.of(List.of("warm"), List.of("a", "b"), List.of("c")),
                batchesOfThreeWaitingRows(new BatchCapabilities(8, false, 1_000, 5), 1),
                "rows expected at 1 position still hold the 5-position buffer: two fit 10 000 bytes, not three");
    }

    /**
     * Warms a model with the given capabilities up (so that its limits are known), then queues three
     * rows of {@code positions} behind a blocker under a 10 000-byte KV budget.
     *
     * @return the batches the engine was given, each sorted
     */
    private List<List<String>> batchesOfThreeWaitingRows(BatchCapabilities caps, long positions) {
        WorkScheduler s = scheduler(8, 10_000);
        FakeBatchSynthesizer engine = new FakeBatchSynthesizer(caps);
        job(s, engine, "m", "warm", 1);
        awaitAll();
        Gate blocker = blocker(s);
        for (String text : List.of("a", "b", "c")) {
            job(s, engine, "m", text, positions);
        }
        blocker.open();
        awaitAll();
        return sorted(engine.calls);
    }

    @Test
    void givenALoneRowOverTheBudget_whenItIsNext_thenItStillRuns() {
        WorkScheduler s = scheduler(8, 1_000);
        FakeBatchSynthesizer engine = new FakeBatchSynthesizer(new BatchCapabilities(8, false, 1_000));
        job(s, engine, "m", "warm", 1);
        awaitAll();
        job(s, engine, "m", "huge", 50);
        awaitAll();
        assertEquals("done", results.get("huge"));
    }

    @Test
    void givenTheBatchLimits_whenManyWait_thenBatchesAreCutAtTheSmallerOfPolicyAndModel() {
        WorkScheduler s = scheduler(2, 1L << 30);
        FakeBatchSynthesizer engine = new FakeBatchSynthesizer(new BatchCapabilities(8, false, 0));
        job(s, engine, "warm");
        awaitAll();
        Gate blocker = blocker(s);
        for (String text : List.of("a", "b", "c", "d", "e")) {
            job(s, engine, text);
        }
        blocker.open();
        awaitAll();

        assertEquals(List.of(List.of("warm"), List.of("a", "b"), List.of("c", "d"), List.of("e")), sorted(engine.calls));
    }

    @Test
    void givenJobsOfTwoModels_whenForming_thenEachBatchHasOneModelAndTheOtherModelRunsNext() {
        WorkScheduler s = scheduler(8, 1L << 30);
        FakeBatchSynthesizer m = new FakeBatchSynthesizer(new BatchCapabilities(8, false, 0));
        FakeBatchSynthesizer x = new FakeBatchSynthesizer(new BatchCapabilities(8, false, 0));
        Gate blocker = blocker(s);
        job(s, m, "m", "m1", 10);
        job(s, x, "x", "x1", 10);
        job(s, m, "m", "m2", 10);
        blocker.open();
        awaitAll();

        assertEquals(List.of(List.of("m1", "m2")), sorted(m.calls));
        assertEquals(List.of(List.of("x1")), x.calls);
    }

    @Test
    void givenAContinuousBatch_whenAnotherModelWaitsAtTheHead_thenNoMoreJobsJoinAndTheQueueMovesOn() {
        WorkScheduler s = scheduler(8, 1L << 30);
        FakeBatchSynthesizer m = new FakeBatchSynthesizer(new BatchCapabilities(8, true, 0));
        FakeBatchSynthesizer x = new FakeBatchSynthesizer(new BatchCapabilities(8, true, 0));
        Gate step = new Gate();
        m.stepGates.add(step);
        job(s, m, "m", "m1", 10);
        Await.latch(step.entered);
        job(s, x, "x", "x1", 10);
        Ticket m2 = job(s, m, "m", "m2", 10);
        assertEquals(2, s.position(m2).position(), "m2 may not jump over x1 into the running batch");
        step.open();
        awaitAll();

        assertEquals(List.of(), m.joined);
        assertEquals(List.of(List.of("m1"), List.of("m2")), m.calls);
        assertEquals(List.of(List.of("x1")), x.calls);
    }

    @Test
    void givenAMemberThatFailsBeforeItsRow_whenTheOthersWait_thenTheyStillRunAndTheSlotIsFreed() {
        WorkScheduler s = scheduler(8, 1L << 30);
        FakeBatchSynthesizer engine = new FakeBatchSynthesizer(new BatchCapabilities(8, false, 0));
        job(s, engine, "warm");
        awaitAll();
        Gate blocker = blocker(s);
        job(s, engine, "a");
        job(s, engine, "early-fail");
        job(s, engine, "c");
        blocker.open();
        awaitAll();
        job(s, engine, "after");
        awaitAll();

        assertEquals(List.of(List.of("warm"), List.of("a", "c"), List.of("after")), sorted(engine.calls));
        assertEquals("failed before its row", results.get("early-fail"));
        assertEquals(0, s.status().gpuRunning());
        assertEquals(0, s.status().gpuQueued());
    }

    @Test
    void givenASingleRowModel_whenJobsWait_thenEachSynthesizesAloneAsBefore() {
        WorkScheduler s = scheduler(8, 1L << 30);
        FakeBatchSynthesizer engine = new FakeBatchSynthesizer(BatchCapabilities.SINGLE);
        Gate blocker = blocker(s);
        job(s, engine, "a");
        job(s, engine, "b");
        blocker.open();
        awaitAll();

        assertEquals(List.of(), engine.calls);
        assertEquals(List.of("a", "b"), engine.singles);
    }

    @Test
    void givenARunningBatch_whenTheQueueIsFull_thenRowsCountAsRunningAndTheRefusalCarriesTheEstimate() {
        WorkScheduler s = new WorkScheduler(new SchedulerPolicy(1, 3, 0, 4, Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofMinutes(5), 8, 1L << 30), clock, executor);
        FakeBatchSynthesizer engine = new FakeBatchSynthesizer(new BatchCapabilities(8, false, 0));
        job(s, engine, "warm");
        awaitAll();
        Gate step = new Gate();
        engine.stepGates.add(step);
        Gate blocker = blocker(s);
        job(s, engine, "a");
        job(s, engine, "b");
        job(s, engine, "c");
        blocker.open();
        Await.latch(step.entered);
        assertEquals(3, s.status().gpuRunning(), "a, b and c run as rows of one batch");
        assertEquals(0, s.status().gpuQueued(), "and left the queue");
        for (String text : List.of("w1", "w2", "w3")) {
            job(s, engine, text);
        }
        clock.advance(Duration.ofSeconds(4));

        io.q3tts.ports.model.OverloadedException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.q3tts.ports.model.OverloadedException.class, () -> job(s, engine, "refused"));
        // The rows' batch ends in (average run - elapsed); then the three waiting jobs' work, spread over the one slot.
        Duration average = s.status().averageRun();
        long expected = average.minusSeconds(4).plus(average.multipliedBy(3)).toSeconds();
        assertEquals(expected, e.retryAfter().orElseThrow().toSeconds(),
                "the average run minus the rows' elapsed time, plus the backlog");
        step.open();
        awaitAll();
        assertEquals(List.of(List.of("warm"), List.of("a", "b", "c"), List.of("w1", "w2", "w3")), sorted(engine.calls));
    }
}
