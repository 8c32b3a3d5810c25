package io.q3tts.domain.residency;

import static io.q3tts.domain.testing.FakeCatalog.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.q3tts.domain.testing.Await;
import io.q3tts.domain.testing.FakeCatalog;
import io.q3tts.domain.testing.FakeClock;
import io.q3tts.domain.testing.FakeLoader;
import io.q3tts.ports.in.models.ModelResidency;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelResidencyManagerTest {

    private final FakeClock clock = new FakeClock();
    private final FakeLoader loader = new FakeLoader();
    private final FakeCatalog catalog = new FakeCatalog()
            .add(model("a", ModelTask.CUSTOM_VOICE))
            .add(model("b", ModelTask.VOICE_DESIGN))
            .add(model("c", ModelTask.VOICE_CLONE))
            .add(model("codec", ModelTask.TOKENIZER));
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private ModelResidencyManager manager(int maxResident, Duration idle, Duration evictionTimeout) {
        return new ModelResidencyManager(catalog, loader, new ResidencyPolicy(maxResident, 1, idle, evictionTimeout), clock);
    }

    private void use(ModelResidencyManager m, String id) {
        try (ModelLease _ = m.acquire(id)) {
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void givenAModel_whenLeasedTwice_thenItIsLoadedOnce() {
        ModelResidencyManager m = manager(1, Duration.ZERO, Duration.ofSeconds(5));
        try (ModelLease first = m.acquire("a"); ModelLease _ = m.acquire("a")) {
            assertEquals("a", first.model().descriptor().id());
            assertEquals(2, m.snapshot("a").inFlight());
        }
        assertEquals(List.of("load a"), loader.events);
        assertEquals(ModelResidency.LOADED, m.snapshot("a").state());
        assertEquals(0, m.snapshot("a").inFlight());
    }

    @Test
    void givenTheLimitIsReached_whenAnotherModelIsNeeded_thenTheLeastRecentlyUsedIsEvicted() {
        ModelResidencyManager m = manager(2, Duration.ZERO, Duration.ofSeconds(5));
        use(m, "a");
        use(m, "b");
        use(m, "a");
        use(m, "c");
        assertEquals(List.of("load a", "load b", "close b", "load c"), loader.events);
        assertEquals(List.of("a", "c"), m.residentIds());
    }

    @Test
    void givenTheVictimIsBusy_whenAnotherModelIsNeeded_thenEvictionWaitsForItsInFlightWork() throws Exception {
        ModelResidencyManager m = manager(1, Duration.ZERO, Duration.ofSeconds(30));
        CountDownLatch leased = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Future<?> worker = executor.submit(() -> {
            try (ModelLease _ = m.acquire("a")) {
                leased.countDown();
                Await.latch(finish);
            }
        });
        Await.latch(leased);
        Future<ModelLease> other = executor.submit(() -> m.acquire("b"));
        Await.until(() -> m.snapshot("a").state() == ModelResidency.UNLOADING);

        assertEquals(List.of("load a"), loader.events, "a is not closed while its work runs");
        finish.countDown();
        worker.get();
        try (ModelLease b = Await.future(other)) {
            assertEquals("b", b.modelId());
        }
        assertEquals(List.of("load a", "close a", "load b"), loader.events);
    }

    @Test
    void givenTheVictimStaysBusy_whenTheEvictionTimeoutPasses_thenConflictAndTheVictimStays() {
        ModelResidencyManager m = manager(1, Duration.ZERO, Duration.ofMillis(50));
        CountDownLatch leased = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        executor.submit(() -> {
            try (ModelLease _ = m.acquire("a")) {
                leased.countDown();
                Await.latch(finish);
            }
        });
        Await.latch(leased);
        assertThrows(ConflictException.class, () -> m.acquire("b"));
        assertEquals(ModelResidency.LOADED, m.snapshot("a").state());
        assertEquals(List.of("load a"), loader.events);
        finish.countDown();
    }

    @Test
    void givenALeaseOnTheOnlyModel_whenTheSameThreadNeedsAnother_thenItFailsInsteadOfDeadlocking() {
        ModelResidencyManager m = manager(1, Duration.ZERO, Duration.ofSeconds(30));
        try (ModelLease _ = m.acquire("a")) {
            assertThrows(IllegalStateException.class, () -> m.acquire("b"));
        }
    }

    @Test
    void givenIdleModels_whenTheIdleTimeHasPassed_thenOnlyThoseUnusedThatLongAreUnloaded() {
        ModelResidencyManager m = manager(2, Duration.ofMinutes(15), Duration.ofSeconds(5));
        use(m, "a");
        clock.advance(Duration.ofMinutes(10));
        use(m, "b");
        clock.advance(Duration.ofMinutes(4));
        assertEquals(0, m.unloadIdle());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(1, m.unloadIdle());
        assertEquals(List.of("b"), m.residentIds());
        assertEquals(ModelResidency.AVAILABLE, m.snapshot("a").state());
        assertEquals(List.of("load a", "load b", "close a"), loader.events);
    }

    @Test
    void givenABusyModel_whenItIsOld_thenIdleUnloadLeavesIt() {
        ModelResidencyManager m = manager(1, Duration.ofMinutes(1), Duration.ofSeconds(5));
        try (ModelLease _ = m.acquire("a")) {
            clock.advance(Duration.ofHours(1));
            assertEquals(0, m.unloadIdle());
        }
    }

    @Test
    void givenTheGenerationLimitIsReached_whenATokenizerModelIsNeeded_thenNothingIsEvicted() {
        ModelResidencyManager m = manager(1, Duration.ZERO, Duration.ofSeconds(5));
        try (ModelLease _ = m.acquire("a"); ModelLease _ = m.acquire("codec")) {
            assertEquals(List.of("load a", "load codec"), loader.events);
        }
    }

    @Test
    void givenAnUnknownModel_whenAcquired_thenNotFoundNamingTheModelField() {
        ModelResidencyManager m = manager(1, Duration.ZERO, Duration.ofSeconds(5));
        assertEquals("model", assertThrows(NotFoundException.class, () -> m.acquire("nope")).field());
    }

    @Test
    void givenALoadedModel_whenUnloaded_thenItIsClosedAndReloadedOnNextUse() {
        ModelResidencyManager m = manager(1, Duration.ZERO, Duration.ofSeconds(5));
        m.load("a");
        assertEquals(true, m.unload("a"));
        assertEquals(false, m.unload("a"));
        use(m, "a");
        assertEquals(List.of("load a", "close a", "load a"), loader.events);
        m.close();
        assertEquals("close a", loader.events.get(loader.events.size() - 1));
    }
}
